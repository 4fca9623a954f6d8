import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { canonicalSha256, idempotencyKeyHeader, sha256Hex } from '@leaf/contracts';
import { AppError, idempotencyKeyOf, requestIdentity } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, of, catchError, finalize, type Observable } from 'rxjs';
import { IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_OPTIONS = Symbol('leaf.gateway.idempotency-options');

export interface IdempotencyOptions {
  /** How long a stored answer is replayed (LEAF_IDEMPOTENCY_TTL_SECONDS). */
  ttlSeconds: number;
  /**
   * How long an in-flight request holds its key: the upstream timeout plus a margin. No request
   * the gateway serves outlives its upstream call by more than that, so a key still in flight
   * after its lease belongs to a gateway that crashed, and a retry may take it over.
   */
  leaseMs: number;
}

/** Headers a replay gives back besides the status and body; the rest are the replaying gateway's own. */
const replayedHeaders = ['content-type', 'location'] as const;

/** The record a key is stored under: per caller, method and path, so keys never collide across callers or routes. */
export const idempotencyScope = (subject: string, method: string, path: string, key: string) => sha256Hex(`${subject}\n${method} ${path}\n${key}`);

/**
 * The key a service receives for the caller's Idempotency-Key: bound to the caller (services that
 * scope keys per client would otherwise let two callers of one client collide), so a retry that
 * takes over an abandoned key reaches a service that already knows the first attempt.
 */
export const upstreamIdempotencyKey = (subject: string, key: string) => `gw-${sha256Hex(`${subject}\n${key}`)}`;

/** What a key is bound to: the sha256 of the request body's canonical JSON (key order does not change it). */
export const idempotencyRequestSha256 = (body: unknown) => canonicalSha256(body ?? null);

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and its successful answer is
 * stored; a retry with the same key and body gets that answer again (status, body, content type
 * and Location, with `Idempotent-Replayed: true`) and runs nothing; the same key with another
 * body is a 409, as is a retry while the first is still running. An answer of 400 or more is
 * not stored: the key is released, so a typo'd body or a failed upstream does not lock it.
 * A request in flight holds the key for a lease only; if its gateway dies, a retry after the
 * lease proceeds. Keys are per caller and route.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (request.method !== 'POST') return next.handle();
    const key = idempotencyKeyOf(request.headers[idempotencyKeyHeader]);
    if (key === undefined) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const subject = requestIdentity(request)?.subject ?? 'anonymous';
    const scope = idempotencyScope(subject, request.method, request.url.split('?')[0], key);
    const requestSha256 = idempotencyRequestSha256(request.body);
    const begun = await this.store.begin(scope, requestSha256, this.options);
    if (begun.state !== 'started') {
      if (begun.requestSha256 !== requestSha256) throw new AppError('CONFLICT', 'this Idempotency-Key was already used with a different request body');
      if (begun.state === 'in-progress') throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry later');
      void reply.status(begun.status).headers(begun.headers).header('idempotent-replayed', 'true');
      return of(begun.body ? (JSON.parse(begun.body) as unknown) : null);
    }
    if (begun.takenOver) this.logger.warn(`Idempotency-Key taken over after its lease expired (the request holding it never finished) requestId=${request.id}`);

    let settled = false;
    const settle = async (body: unknown): Promise<void> => {
      settled = true;
      if (reply.statusCode >= 400) return this.store.release(scope, begun.token);
      const headers: Record<string, string> = {};
      for (const name of replayedHeaders) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      headers['content-type'] ??= 'application/json';
      const stored = await this.store.complete(scope, begun.token, { status: reply.statusCode, headers, body: JSON.stringify(body ?? null) });
      if (!stored) this.logger.warn(`Idempotency-Key answer not stored: a retry took the key over during this request requestId=${request.id}`);
    };
    // Awaited before the failure is answered, so an immediate retry finds the key free.
    const forget = async (): Promise<void> => {
      settled = true;
      await this.store
        .release(scope, begun.token)
        .catch((error: unknown) =>
          this.logger.error(`Idempotency-Key not released (it frees itself when its lease ends) requestId=${request.id}: ${(error as Error).message}`),
        );
    };
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          // The answer goes out even when it cannot be recorded: the key then frees itself after its lease.
          settle(body).then(
            () => body,
            (error: unknown) => {
              this.logger.error(`Idempotency-Key answer not recorded requestId=${request.id}: ${(error as Error).message}`);
              return body;
            },
          ),
        ),
      ),
      catchError((error: unknown) =>
        from(
          forget().then(() => {
            throw error;
          }),
        ),
      ),
      // A handler that completes without an answer must not leave its key in flight until the lease ends.
      finalize(() => {
        if (!settled) void forget();
      }),
    );
  }
}
