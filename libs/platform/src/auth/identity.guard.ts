import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@leaf/contracts';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { assertRole } from './client-scope';
import { REQUEST_ADMISSION, type RequestAdmission } from './request-admission';
import { REQUEST_AUTHENTICATOR, type RequestAuthenticator } from './request-authenticator';
import { setRequestIdentity } from './request-identity';

interface RouteAuth {
  public: boolean;
  role: Role | undefined;
}

/**
 * Registered globally for every service: every route needs a verified identity unless it is
 * `@Public()`, and `@RequireRole()` is checked here, before any handler or pipe runs. A service's
 * admission (the gateway's scope and rate limits) follows, for callers that passed both.
 */
@Injectable()
export class IdentityGuard implements CanActivate {
  /** Per controller and handler: decorators are fixed once the app is built, so they are read once, not per request. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAuth>>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(REQUEST_AUTHENTICATOR) private readonly authenticator: RequestAuthenticator,
    @Optional() @Inject(REQUEST_ADMISSION) private readonly admission?: RequestAdmission,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const route = this.routeAuth(context);
    if (route.public) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const identity = await this.authenticator.authenticate(request);
    setRequestIdentity(request, identity);
    if (route.role) assertRole(identity, route.role);
    if (this.admission) await this.admission.admit(context, identity);
    return true;
  }

  private routeAuth(context: ExecutionContext): RouteAuth {
    const controller = context.getClass();
    const handler = context.getHandler();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let route = handlers.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        public: Boolean(this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)),
        role: this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets),
      };
      handlers.set(handler, route);
    }
    return route;
  }
}
