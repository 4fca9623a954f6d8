import { Logger } from '@nestjs/common';
import type { Identity } from '@leaf/contracts';
import { AppError } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimits, RouteClass } from '../gateway.config';
import type { RateLimitDecision, RateLimitStore } from './rate-limit.store';

/** One budget a request draws on: a class and whose it is (`caller:…`, `client:…`, `source:…`). */
export interface Budget {
  routeClass: RouteClass;
  who: string;
  /** Hits this request is worth (an MCP batch counts each of its calls); default 1. */
  cost?: number;
}

/** A caller's own budgets: per issuer and subject, so equal subjects of two issuers never share one. */
export const callerBudget = (identity: Identity) => `caller:${identity.issuer}:${identity.subject}`;
export const clientBudget = (clientId: string) => `client:${clientId}`;
export const sourceBudget = (address: string) => `source:${address}`;

const retryAfter = new WeakMap<FastifyRequest, number>();

/** Retry-After for a 429 decided where no reply is at hand (authentication); the HTTP edge writes it. */
export const retryAfterOf = (request: FastifyRequest): number | undefined => retryAfter.get(request);

/**
 * Spends budgets in the shared counter store. Budgets are spent in order and the first one
 * refused stops the rest, so a caller over its own limit cannot go on draining a client's shared
 * budget. If the store fails the request goes through and the failure is logged: a Redis outage
 * must not take the API down.
 */
export class RateLimiter {
  private readonly logger = new Logger('RateLimit');

  constructor(
    private readonly store: RateLimitStore,
    private readonly limits: RateLimits,
  ) {}

  /** The decision that limits the request most (the refused one, else the one with least left); undefined if the store failed. */
  async spend(budgets: Budget[]): Promise<(RateLimitDecision & { routeClass: RouteClass }) | undefined> {
    let tightest: (RateLimitDecision & { routeClass: RouteClass }) | undefined;
    for (const budget of budgets) {
      const { limit, windowSeconds } = this.limits[budget.routeClass];
      let decision: RateLimitDecision;
      try {
        decision = await this.store.hit(`${budget.routeClass}:${budget.who}`, limit, windowSeconds, budget.cost ?? 1);
      } catch (error) {
        this.logger.warn(`rate-limit store unavailable, request let through: ${(error as Error).message}`);
        return undefined;
      }
      if (!tightest || !decision.allowed || decision.remaining < tightest.remaining) tightest = { ...decision, routeClass: budget.routeClass };
      if (!decision.allowed) break;
    }
    return tightest;
  }

  /** Whether a budget is already used up, without spending it. */
  async exhausted(budget: Budget): Promise<RateLimitDecision | undefined> {
    const { limit, windowSeconds } = this.limits[budget.routeClass];
    try {
      const decision = await this.store.hit(`${budget.routeClass}:${budget.who}`, limit, windowSeconds, 0);
      return decision.allowed ? undefined : decision;
    } catch (error) {
      this.logger.warn(`rate-limit store unavailable, request let through: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Spends the budgets for an HTTP request: RateLimit-* headers on the reply, a 429 problem with Retry-After when refused. */
  async enforce(reply: FastifyReply, budgets: Budget[]): Promise<void> {
    const decision = await this.spend(budgets);
    if (!decision) return;
    void reply
      .header('ratelimit-limit', String(decision.limit))
      .header('ratelimit-remaining', String(decision.remaining))
      .header('ratelimit-reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      void reply.header('retry-after', String(decision.resetSeconds));
      throw refused(decision.routeClass, decision.resetSeconds);
    }
  }

  /** The 429 for a request refused before it has a reply (authentication): Retry-After goes through retryAfterOf. */
  refuse(request: FastifyRequest, decision: RateLimitDecision & { routeClass: RouteClass }): AppError {
    retryAfter.set(request, decision.resetSeconds);
    return refused(decision.routeClass, decision.resetSeconds);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

const refused = (routeClass: RouteClass, resetSeconds: number) =>
  new AppError(
    'RATE_LIMITED',
    routeClass === 'authfail'
      ? `too many failed authentications from this address; retry after ${resetSeconds} s`
      : `too many ${routeClass} requests; retry after ${resetSeconds} s`,
  );
