import type { Identity } from '@leaf/contracts';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { identityFromClaims, type GroupMapping } from './claims-to-identity';
import { refusalOf, type TokenRefusal } from './token-refusal';

/** One trusted external issuer: where its keys are, which `iss`/`aud` and algorithms it uses. */
export interface TrustedIssuer {
  kind: Exclude<Identity['issuer'], 'service'>;
  issuer: string;
  audience: string;
  algorithms: string[];
  keys: JWTVerifyGetKey | KeyObject;
}

export type VerificationFailure = 'malformed' | 'unknown-issuer' | 'invalid' | 'no-role';

export type VerificationResult = { identity: Identity } | { failure: VerificationFailure; reason: TokenRefusal; issuer?: TrustedIssuer['kind'] };

/** A remote JWKS (Entra tenant keys, Cloudflare team certs): cached, re-fetched when an unknown `kid` shows up (key rotation). */
export const remoteKeys = (url: string, cooldownMs: number): JWTVerifyGetKey =>
  createRemoteJWKSet(new URL(url), { cooldownDuration: cooldownMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });

/**
 * Verifies a bearer token against the issuer its (unverified) `iss` names, then maps its claims
 * to an Identity. Signature, algorithm allow-list (so `alg: none` and HS/RS confusion fail),
 * issuer, audience, `exp` and `nbf` are all checked by jose. Verified tokens are remembered
 * until they expire (bounded), as a caller sends the same token many times.
 */
export class ExternalTokenVerifier {
  private readonly verified = new Map<string, { identity: Identity; expiresAt: number }>();

  constructor(
    private readonly issuers: TrustedIssuer[],
    private readonly groups: GroupMapping,
    private readonly clockToleranceSeconds = 30,
  ) {}

  get enabled(): ReadonlyArray<TrustedIssuer['kind']> {
    return this.issuers.map((i) => i.kind);
  }

  /** Whether the token was verified before and has not expired (no signature check, no network). */
  isKnown(token: string): boolean {
    const hit = this.verified.get(token);
    return hit !== undefined && hit.expiresAt > Date.now();
  }

  async verify(token: string, only?: TrustedIssuer['kind']): Promise<VerificationResult> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now() && (!only || hit.identity.issuer === only)) return { identity: hit.identity };
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return { failure: 'malformed', reason: 'malformed-token' };
    }
    const trusted = this.issuers.find((i) => i.issuer === iss && (!only || i.kind === only));
    if (!trusted) return { failure: 'unknown-issuer', reason: 'unknown-issuer' };
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, trusted.keys as JWTVerifyGetKey, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: trusted.algorithms,
        clockTolerance: this.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { failure: 'invalid', reason: refusalOf(error), issuer: trusted.kind };
    }
    const identity = identityFromClaims(claims, trusted.kind, this.groups);
    if (!identity) return { failure: 'no-role', reason: 'no-role', issuer: trusted.kind };
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, { identity, expiresAt: (claims.exp as number) * 1000 });
    return { identity };
  }
}
