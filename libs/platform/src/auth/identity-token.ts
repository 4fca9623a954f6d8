import { createHmac, type webcrypto } from 'node:crypto';
import { identitySchema, type Identity } from '@leaf/contracts';
import { jwtVerify } from 'jose';

/** `iss` and `aud` of internal identity tokens: only the gateway and services mint them. */
export const internalTokenIssuer = 'leaf-internal';
export const internalTokenAudience = 'leaf-services';
/** Short-lived: a token only has to survive one hop, so a leaked one is soon worthless. */
export const internalTokenTtlSeconds = 120;

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Signs an identity as an HS256 JWT. Synchronous (node:crypto HMAC) so the gateway's hot path and
 * test helpers need no await; jose verifies it, so the format is checked against a real JOSE
 * implementation on every request.
 */
export function signIdentityToken(
  identity: Identity,
  key: Uint8Array,
  nowSeconds = Math.floor(Date.now() / 1000),
  ttlSeconds = internalTokenTtlSeconds,
): string {
  const payload = b64url(
    JSON.stringify({
      iss: internalTokenIssuer,
      aud: internalTokenAudience,
      sub: identity.subject,
      iat: nowSeconds,
      nbf: nowSeconds - 5,
      exp: nowSeconds + ttlSeconds,
      leaf_roles: identity.roles,
      leaf_clients: identity.clientIds,
      leaf_idp: identity.issuer,
    }),
  );
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export type IdentityTokenFailure = 'invalid-token' | 'invalid-identity';

/** Verifies signature, algorithm (HS256 only), issuer, audience and lifetime, then the Identity shape. */
export async function verifyIdentityToken(
  token: string,
  key: Uint8Array | webcrypto.CryptoKey,
): Promise<{ identity: Identity } | { failure: IdentityTokenFailure }> {
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: internalTokenIssuer,
      audience: internalTokenAudience,
      clockTolerance: 5,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch {
    return { failure: 'invalid-token' };
  }
  const parsed = identitySchema.safeParse({
    subject: claims['sub'],
    roles: claims['leaf_roles'],
    clientIds: claims['leaf_clients'],
    issuer: claims['leaf_idp'],
  });
  return parsed.success ? { identity: parsed.data } : { failure: 'invalid-identity' };
}
