import type { Identity } from '@leaf/contracts';
import { AppError, isAppError, type RequestAuthenticator } from '@leaf/platform';
import type { FastifyRequest } from 'fastify';
import { sourceAddress } from '../http/source-address';
import { sourceBudget, type RateLimiter } from '../rate-limit/rate-limiter';
import type { ExternalTokenVerifier } from './external-token.verifier';

export const GATEWAY_AUTHENTICATOR = Symbol('leaf.gateway.authenticator');

const bearer = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/;

/** Failed authentications are counted per source address (`authfail` budget). */
export interface AuthFailureLimit {
  limiter: RateLimiter;
  /** LEAF_TRUSTED_PROXY_HOPS: how the source address is found behind proxies. */
  trustedProxyHops: number;
}

/**
 * External callers: `Authorization: Bearer <token>` (Entra ID, the dev issuer, or Cloudflare
 * Access) or Cloudflare Access's own `Cf-Access-Jwt-Assertion`. An inbound `x-leaf-identity` is
 * never read here: only the gateway mints it, for the services behind it.
 *
 * Every failed authentication spends its source address's `authfail` budget; once it is used up,
 * that address gets 429 for any token not already verified (without checking it), so guessing
 * and garbage cost the gateway almost nothing, while callers behind the same address whose tokens
 * are known keep working.
 */
export class GatewayAuthenticator implements RequestAuthenticator {
  constructor(
    private readonly verifier: ExternalTokenVerifier,
    private readonly failures?: AuthFailureLimit,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const token = this.tokenOf(request);
    if (this.failures && !(token !== undefined && 'value' in token && this.verifier.isKnown(token.value))) {
      const budget = { routeClass: 'authfail' as const, who: sourceBudget(sourceAddress(request, this.failures.trustedProxyHops)) };
      const exhausted = await this.failures.limiter.exhausted(budget);
      if (exhausted) throw this.failures.limiter.refuse(request, { ...exhausted, routeClass: 'authfail' });
    }
    try {
      return await this.verify(token);
    } catch (error) {
      if (this.failures && isAppError(error) && error.code === 'UNAUTHENTICATED') {
        const budget = { routeClass: 'authfail' as const, who: sourceBudget(sourceAddress(request, this.failures.trustedProxyHops)) };
        const decision = await this.failures.limiter.spend([budget]);
        if (decision && !decision.allowed) throw this.failures.limiter.refuse(request, decision);
      }
      throw error;
    }
  }

  private tokenOf(request: FastifyRequest): { value: string; from: 'authorization' | 'cf-access' } | { malformed: true } | undefined {
    const authorization = request.headers.authorization;
    const cfAssertion = request.headers['cf-access-jwt-assertion'];
    if (typeof authorization === 'string' && authorization) {
      const match = bearer.exec(authorization);
      return match ? { value: match[1], from: 'authorization' } : { malformed: true };
    }
    if (typeof cfAssertion === 'string' && cfAssertion && this.verifier.enabled.includes('cloudflare-access')) return { value: cfAssertion, from: 'cf-access' };
    return undefined;
  }

  private async verify(token: ReturnType<GatewayAuthenticator['tokenOf']>): Promise<Identity> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'a bearer token is required');
    if ('malformed' in token) throw new AppError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    const result = await this.verifier.verify(token.value, token.from === 'cf-access' ? 'cloudflare-access' : undefined);
    if ('identity' in result) return result.identity;
    if (result.failure === 'no-role') throw new AppError('FORBIDDEN', 'the token grants no Leaf role');
    throw new AppError('UNAUTHENTICATED', 'the token is not valid for this API');
  }
}
