import type { Identity } from '@leaf/contracts';
import { AppError, type RequestAuthenticator } from '@leaf/platform';
import type { FastifyRequest } from 'fastify';
import type { ExternalTokenVerifier } from './external-token.verifier';

export const GATEWAY_AUTHENTICATOR = Symbol('leaf.gateway.authenticator');

const bearer = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/;

/**
 * External callers: `Authorization: Bearer <token>` (Entra ID, the dev issuer, or Cloudflare
 * Access) or Cloudflare Access's own `Cf-Access-Jwt-Assertion`. An inbound `x-leaf-identity` is
 * never read here: only the gateway mints it, for the services behind it.
 */
export class GatewayAuthenticator implements RequestAuthenticator {
  constructor(private readonly verifier: ExternalTokenVerifier) {}

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const authorization = request.headers.authorization;
    const cfAssertion = request.headers['cf-access-jwt-assertion'];
    let result;
    if (typeof authorization === 'string' && authorization) {
      const match = bearer.exec(authorization);
      if (!match) throw new AppError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
      result = await this.verifier.verify(match[1]);
    } else if (typeof cfAssertion === 'string' && cfAssertion && this.verifier.enabled.includes('cloudflare-access')) {
      result = await this.verifier.verify(cfAssertion, 'cloudflare-access');
    } else {
      throw new AppError('UNAUTHENTICATED', 'a bearer token is required');
    }
    if ('identity' in result) return result.identity;
    if (result.failure === 'no-role') throw new AppError('FORBIDDEN', 'the token grants no Leaf role');
    throw new AppError('UNAUTHENTICATED', 'the token is not valid for this API');
  }
}
