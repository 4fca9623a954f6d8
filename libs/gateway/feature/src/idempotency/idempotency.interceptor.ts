import { createHash } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { AppError, requestIdentity } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, of, catchError, type Observable } from 'rxjs';
import { IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_TTL_SECONDS = Symbol('leaf.gateway.idempotency-ttl');
const keyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Key order does not change what a JSON body means, so it does not change its hash either. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and its answer is stored; a retry
 * with the same key and the same body gets that answer again (`Idempotent-Replayed: true`) and
 * runs nothing; the same key with another body is a 409, as is a retry while the first is still
 * running. Keys are per caller and route. A request that fails with an error is forgotten, so it
 * can be retried with the same key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_TTL_SECONDS) private readonly ttlSeconds: number,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !keyPattern.test(key)) {
      throw new AppError('BAD_REQUEST', 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -');
    }
    const reply = http.getResponse<FastifyReply>();
    const subject = requestIdentity(request)?.subject ?? 'anonymous';
    const scope = sha256(`${subject}\n${request.method} ${request.url.split('?')[0]}\n${key}`);
    const requestSha256 = sha256(canonical(request.body ?? null));
    const begun = await this.store.begin(scope, requestSha256, this.ttlSeconds);
    if (begun.state !== 'started') {
      if (begun.requestSha256 !== requestSha256) throw new AppError('CONFLICT', 'this Idempotency-Key was already used with a different request body');
      if (begun.state === 'in-progress') throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry later');
      void reply.status(begun.status).header('content-type', begun.contentType).header('idempotent-replayed', 'true');
      return of(begun.body ? (JSON.parse(begun.body) as unknown) : null);
    }
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          (async () => {
            const contentType = String(reply.getHeader('content-type') ?? 'application/json');
            await this.store.complete(scope, reply.statusCode, contentType, JSON.stringify(body ?? null));
            return body;
          })(),
        ),
      ),
      catchError((error: unknown) =>
        from(
          (async () => {
            await this.store.release(scope);
            throw error;
          })(),
        ),
      ),
    );
  }
}
