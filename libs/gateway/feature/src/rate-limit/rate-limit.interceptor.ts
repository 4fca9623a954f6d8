import { Inject, Injectable, Logger, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor, type OnApplicationShutdown } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, requestIdentity } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { RateLimits, RouteClass } from '../gateway.config';
import type { RateLimitStore } from './rate-limit.store';

export const RATE_LIMIT_STORE = Symbol('leaf.gateway.rate-limit-store');
export const RATE_LIMITS = Symbol('leaf.gateway.rate-limits');
const ROUTE_CLASS = 'leaf:gateway:route-class';

/** Counts the route in another class than its method suggests (downloads). */
export const RateLimitClass = (routeClass: RouteClass) => SetMetadata(ROUTE_CLASS, routeClass);

/**
 * Rate limits per client and route class: the window is counted for the client id in the path,
 * or for the caller when the route names no client (so one caller cannot starve a client's
 * other users of their own budget... and cannot spend another's). Over the limit is a 429
 * problem with Retry-After. If the shared store fails, the request goes through and the failure
 * is logged: a Redis outage must not take the API down.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(RATE_LIMITS) private readonly limits: RateLimits,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const identity = requestIdentity(request);
    if (!identity) return next.handle();
    const routeClass =
      this.reflector.getAllAndOverride<RouteClass | undefined>(ROUTE_CLASS, [context.getHandler(), context.getClass()]) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    const clientId = (request.params as Record<string, string> | undefined)?.['clientId'];
    await this.check(context.switchToHttp().getResponse<FastifyReply>(), routeClass, clientId ? `client:${clientId}` : `caller:${identity.subject}`);
    return next.handle();
  }

  /** Also used by the MCP endpoint, which is not a Nest route. */
  async check(reply: FastifyReply, routeClass: RouteClass, who: string): Promise<void> {
    const { limit, windowSeconds } = this.limits[routeClass];
    let decision;
    try {
      decision = await this.store.hit(`${routeClass}:${who}`, limit, windowSeconds);
    } catch (error) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${(error as Error).message}`);
      return;
    }
    void reply.header('ratelimit-limit', String(decision.limit)).header('ratelimit-remaining', String(decision.remaining)).header('ratelimit-reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      void reply.header('retry-after', String(decision.resetSeconds));
      throw new AppError('RATE_LIMITED', `too many ${routeClass} requests; retry after ${decision.resetSeconds} s`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
