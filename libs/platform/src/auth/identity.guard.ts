import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@leaf/contracts';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { assertRole } from './client-scope';
import { REQUEST_AUTHENTICATOR, type RequestAuthenticator } from './request-authenticator';
import { setRequestIdentity } from './request-identity';

/**
 * Registered globally for every service: every route needs a verified identity unless it is
 * `@Public()`, and `@RequireRole()` is checked here, before any handler or pipe runs.
 */
@Injectable()
export class IdentityGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(REQUEST_AUTHENTICATOR) private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const identity = await this.authenticator.authenticate(request);
    setRequestIdentity(request, identity);
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (role) assertRole(identity, role);
    return true;
  }
}
