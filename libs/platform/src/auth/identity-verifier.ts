import { webcrypto } from 'node:crypto';
import type { Identity } from '@leaf/contracts';
import { verifyIdentityToken, type IdentityTokenFailure } from './identity-token';

/**
 * Verifies internal identity tokens with one imported HMAC key. Verified tokens are remembered
 * until they expire (bounded), because the gateway reuses one token per caller for a while and
 * each request would otherwise pay for the same verification again.
 */
export class IdentityVerifier {
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly verified = new Map<string, { identity: Identity; expiresAt: number }>();

  constructor(keyBytes: Uint8Array) {
    this.key = webcrypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']) as Promise<webcrypto.CryptoKey>;
  }

  async verify(token: string): Promise<{ identity: Identity } | { failure: IdentityTokenFailure }> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > now) return { identity: hit.identity };
    const result = await verifyIdentityToken(token, await this.key);
    if ('identity' in result) {
      const exp = expiryOf(token);
      if (exp) {
        if (this.verified.size >= 5000) this.verified.clear();
        this.verified.set(token, { identity: result.identity, expiresAt: exp * 1000 });
      }
    }
    return result;
  }
}

/** `exp` of a token jose has just verified (so the payload is known to be well formed). */
function expiryOf(token: string): number | undefined {
  const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp?: unknown }).exp;
  return typeof exp === 'number' ? exp : undefined;
}
