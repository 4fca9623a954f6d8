import type { FastifyRequest } from 'fastify';

/** Why a request's credentials were refused: the code a refusal is logged with (never the token). */
export type TokenRefusal =
  | 'missing'
  | 'malformed-header'
  | 'malformed-token'
  | 'unknown-issuer'
  | 'algorithm-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'missing-claim'
  | 'keys-unavailable'
  | 'invalid'
  | 'no-role';

/** The refusal behind an error jose threw while verifying a token. */
export function refusalOf(error: unknown): TokenRefusal {
  const { code, claim, reason } = (error ?? {}) as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return 'missing-claim';
      return claim === 'nbf' || claim === 'iat' ? 'not-yet-valid' : claim === 'aud' ? 'wrong-audience' : claim === 'iss' ? 'wrong-issuer' : 'invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm-not-allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return 'keys-unavailable';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed-token';
    default:
      return 'invalid';
  }
}

/** An RFC 6750 challenge: the `error` code and a description safe to show (nothing from the request). */
export interface BearerChallenge {
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  description: string;
}

/**
 * RFC 6750 §3: no error code when the request carried no credentials; `invalid_request` when the
 * header is not a bearer header; `invalid_token` for a token that does not verify;
 * `insufficient_scope` for a valid token that grants no Leaf role.
 */
export function challengeFor(refusal: TokenRefusal): BearerChallenge {
  switch (refusal) {
    case 'missing':
      return { description: 'a bearer token is required' };
    case 'malformed-header':
      return { error: 'invalid_request', description: 'the Authorization header must be "Bearer <token>"' };
    case 'expired':
      return { error: 'invalid_token', description: 'the token has expired' };
    case 'not-yet-valid':
      return { error: 'invalid_token', description: 'the token is not valid yet' };
    case 'no-role':
      return { error: 'insufficient_scope', description: 'the token grants no Leaf role' };
    default:
      return { error: 'invalid_token', description: 'the token is not valid for this API' };
  }
}

const challenges = new WeakMap<FastifyRequest, BearerChallenge>();

export const rememberChallenge = (request: FastifyRequest, challenge: BearerChallenge): void => void challenges.set(request, challenge);

/** The WWW-Authenticate value for a refused request (the HTTP edge writes it on 401 and, for insufficient_scope, 403). */
export function wwwAuthenticate(request: FastifyRequest): string {
  const challenge = challenges.get(request);
  if (!challenge?.error) return 'Bearer realm="leaf"';
  return `Bearer realm="leaf", error="${challenge.error}", error_description="${challenge.description.replace(/["\\]/g, "'")}"`;
}

export const insufficientScope = (request: FastifyRequest): boolean => challenges.get(request)?.error === 'insufficient_scope';
