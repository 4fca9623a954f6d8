import { Inject, Injectable } from '@nestjs/common';
import { identityHeader, type Identity } from '@leaf/contracts';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { IdentityVerifier } from './identity-verifier';

/** How a service turns a request into a verified Identity; the guard calls it for every non-public route. */
export interface RequestAuthenticator {
  /** Throws AppError UNAUTHENTICATED when the request carries no acceptable credential. */
  authenticate(request: FastifyRequest): Promise<Identity>;
}

export const REQUEST_AUTHENTICATOR = Symbol('leaf.auth.request-authenticator');

/** Services behind the gateway: the gateway-signed identity in `x-leaf-identity`, nothing else. */
@Injectable()
export class InternalIdentityAuthenticator implements RequestAuthenticator {
  constructor(@Inject(IdentityVerifier) private readonly verifier: IdentityVerifier) {}

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const token = request.headers[identityHeader];
    if (typeof token !== 'string' || !token) throw new AppError('UNAUTHENTICATED', `the ${identityHeader} header is missing`);
    const result = await this.verifier.verify(token);
    if ('failure' in result) throw new AppError('UNAUTHENTICATED', `the ${identityHeader} header is not a valid identity token`);
    return result.identity;
  }
}
