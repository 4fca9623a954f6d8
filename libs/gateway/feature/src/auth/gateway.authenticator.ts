import { Logger } from '@nestjs/common';
import type { Identity } from '@leaf/contracts';
import { AppError, type RequestAuthenticator } from '@leaf/platform';
import type { FastifyRequest } from 'fastify';
import { sourceAddress } from '../http/source-address';
import { sourceBudget, type Budget, type RateLimiter } from '../rate-limit/rate-limiter';
import type { ExternalTokenVerifier, TrustedIssuer } from './external-token.verifier';
import { challengeFor, rememberChallenge, type TokenRefusal } from './token-refusal';

export const GATEWAY_AUTHENTICATOR = Symbol('leaf.gateway.authenticator');

// RFC 7235: the scheme is case-insensitive ("bearer", "BEARER"); one or more spaces before the token.
const bearer = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i;

/** Failed authentications are counted per source address (`authfail` budget). */
export interface AuthFailureLimit {
  limiter: RateLimiter;
  /** LEAF_TRUSTED_PROXY_HOPS: how the source address is found behind proxies. */
  trustedProxyHops: number;
}

type Credential = { value: string; from: 'authorization' | 'cf-access' } | { malformed: true } | undefined;

/**
 * External callers: `Authorization: Bearer <token>` (Entra ID, the dev issuer, or Cloudflare
 * Access) or Cloudflare Access's own `Cf-Access-Jwt-Assertion`. An inbound `x-leaf-identity` is
 * never read here: only the gateway mints it, for the services behind it.
 *
 * Every refusal is logged with a reason code (expired, bad-signature, wrong-audience, …; never
 * the token) and answered with an RFC 6750 challenge. Every failed authentication spends its
 * source address's `authfail` budget; once it is used up, that address gets 429 for any token not
 * already verified (without checking it), so guessing and garbage cost the gateway almost
 * nothing, while callers behind the same address whose tokens are known keep working.
 */
export class GatewayAuthenticator implements RequestAuthenticator {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly verifier: ExternalTokenVerifier,
    private readonly failures?: AuthFailureLimit,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const credential = this.credentialOf(request);
    const budget: Budget | undefined = this.failures && { routeClass: 'authfail', who: sourceBudget(sourceAddress(request, this.failures.trustedProxyHops)) };
    if (this.failures && budget && !(credential && 'value' in credential && this.verifier.isKnown(credential.value))) {
      const exhausted = await this.failures.limiter.exhausted(budget);
      if (exhausted) {
        this.logRefusal(request, 'rate-limited');
        throw this.failures.limiter.refuse(request, { ...exhausted, routeClass: 'authfail' });
      }
    }
    const outcome = await this.verify(credential);
    if ('identity' in outcome) return outcome.identity;
    this.logRefusal(request, outcome.reason, outcome.issuer);
    const challenge = challengeFor(outcome.reason);
    rememberChallenge(request, challenge);
    if (outcome.reason === 'no-role') throw new AppError('FORBIDDEN', challenge.description);
    if (this.failures && budget) {
      const decision = await this.failures.limiter.spend([budget]);
      if (decision && !decision.allowed) throw this.failures.limiter.refuse(request, decision);
    }
    throw new AppError('UNAUTHENTICATED', challenge.description);
  }

  private credentialOf(request: FastifyRequest): Credential {
    const authorization = request.headers.authorization;
    const cfAssertion = request.headers['cf-access-jwt-assertion'];
    if (typeof authorization === 'string' && authorization) {
      const match = bearer.exec(authorization);
      return match ? { value: match[1], from: 'authorization' } : { malformed: true };
    }
    if (typeof cfAssertion === 'string' && cfAssertion && this.verifier.enabled.includes('cloudflare-access')) return { value: cfAssertion, from: 'cf-access' };
    return undefined;
  }

  private async verify(credential: Credential): Promise<{ identity: Identity } | { reason: TokenRefusal; issuer?: TrustedIssuer['kind'] }> {
    if (!credential) return { reason: 'missing' };
    if ('malformed' in credential) return { reason: 'malformed-header' };
    return this.verifier.verify(credential.value, credential.from === 'cf-access' ? 'cloudflare-access' : undefined);
  }

  private logRefusal(request: FastifyRequest, reason: TokenRefusal | 'rate-limited', issuer?: string): void {
    this.logger.log(
      `token refused reason=${reason} issuer=${issuer ?? '-'} requestId=${request.id} path=${JSON.stringify(request.routeOptions?.url ?? 'unmatched')}`,
    );
  }
}
