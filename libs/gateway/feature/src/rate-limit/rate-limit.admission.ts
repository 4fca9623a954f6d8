import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { clientIdSchema, type Identity } from '@leaf/contracts';
import { assertClientVisible, type RequestAdmission } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteClass } from '../gateway.config';
import { RateLimiter, callerBudget, clientBudget, type Budget } from './rate-limiter';

export const RATE_LIMITER = Symbol('leaf.gateway.rate-limiter');
const ROUTE_CLASS = 'leaf:gateway:route-class';
const STARTS_WORK = 'leaf:gateway:starts-work';

/** Counts the route in another class than its method suggests (downloads). */
export const RateLimitClass = (routeClass: RouteClass) => SetMetadata(ROUTE_CLASS, routeClass);

/**
 * The route starts work for a client (a reconciliation, a task): besides the caller's write
 * budget it draws on the client's one `work` budget, shared with every other door to the same
 * work. The client is the path's `clientId`, else the body's.
 */
export const StartsWork = () => SetMetadata(STARTS_WORK, true);

/** A well-formed client id the request names, from the path or (for work) the body; a malformed one is the pipe's to refuse. */
function namedClient(request: FastifyRequest, startsWork: boolean): string | undefined {
  const candidate =
    (request.params as Record<string, unknown> | undefined)?.['clientId'] ??
    (startsWork ? (request.body as Record<string, unknown> | null | undefined)?.['clientId'] : undefined);
  // Only a string can be a client id: checked first, as a failing safeParse builds an error (most routes name no client).
  return typeof candidate === 'string' && clientIdSchema.safeParse(candidate).success ? candidate : undefined;
}

interface RouteLimits {
  /** The route's class when its decorator names one; otherwise it follows the request's method. */
  routeClass: RouteClass | undefined;
  startsWork: boolean;
}

/**
 * Fair limits, applied by the identity guard once the caller is known and holds the route's role.
 * Client scope is checked before anything is counted: a request naming a client the caller may
 * not see is a 404 here and spends no budget, so nobody can exhaust another client's budget.
 * Every request then spends its caller's budget for its route class, and — for a client it may
 * see — that client's budget too (its `work` budget when it starts work), so one noisy caller
 * runs out before its client's other users do.
 */
export class RateLimitAdmission implements RequestAdmission {
  /** Per controller and handler: the decorators are read once, not per request. */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteLimits>>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly reflector = new Reflector(),
  ) {}

  async admit(context: ExecutionContext, identity: Identity): Promise<void> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const limits = this.limitsOf(context);
    const routeClass = limits.routeClass ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    const clientId = namedClient(request, limits.startsWork);
    if (clientId !== undefined) assertClientVisible(identity, clientId);
    const budgets: Budget[] = [{ routeClass, who: callerBudget(identity) }];
    if (clientId !== undefined) budgets.push({ routeClass: limits.startsWork ? 'work' : routeClass, who: clientBudget(clientId) });
    await this.limiter.enforce(context.switchToHttp().getResponse<FastifyReply>(), budgets);
  }

  private limitsOf(context: ExecutionContext): RouteLimits {
    const controller = context.getClass();
    const handler = context.getHandler();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let limits = handlers.get(handler);
    if (!limits) {
      const targets = [handler, controller];
      limits = {
        routeClass: this.reflector.getAllAndOverride<RouteClass | undefined>(ROUTE_CLASS, targets),
        startsWork: this.reflector.getAllAndOverride<boolean | undefined>(STARTS_WORK, targets) === true,
      };
      handlers.set(handler, limits);
    }
    return limits;
  }
}
