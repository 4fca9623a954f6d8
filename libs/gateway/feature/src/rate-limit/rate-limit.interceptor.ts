import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor, type OnApplicationShutdown } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { clientIdSchema } from '@leaf/contracts';
import { assertClientVisible, requestIdentity } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
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
  return clientIdSchema.safeParse(candidate).success ? (candidate as string) : undefined;
}

/**
 * Fair limits. Role (the guard, before this) and client scope are checked before anything is
 * counted: a request naming a client the caller may not see is a 404 here and spends no budget,
 * so nobody can exhaust another client's budget. Every request then spends its caller's budget
 * for its route class, and — for a client it may see — that client's budget too (its `work`
 * budget when it starts work), so one noisy caller runs out before its client's other users do.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor, OnApplicationShutdown {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const identity = requestIdentity(request);
    if (!identity) return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const routeClass =
      this.reflector.getAllAndOverride<RouteClass | undefined>(ROUTE_CLASS, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    const startsWork = this.reflector.getAllAndOverride<boolean | undefined>(STARTS_WORK, targets) === true;
    const clientId = namedClient(request, startsWork);
    if (clientId !== undefined) assertClientVisible(identity, clientId);
    const budgets: Budget[] = [{ routeClass, who: callerBudget(identity) }];
    if (clientId !== undefined) budgets.push({ routeClass: startsWork ? 'work' : routeClass, who: clientBudget(clientId) });
    await this.limiter.enforce(context.switchToHttp().getResponse<FastifyReply>(), budgets);
    return next.handle();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}
