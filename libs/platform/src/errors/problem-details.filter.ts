import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { errorCodes, problemTypeBase, type ErrorCode, type Problem } from '@leaf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { isAppError, type FieldError } from './app-error';

const byStatus: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'NOT_READY',
};

interface Classified {
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
}

/** Fastify's own errors (body too large, bad JSON, wrong content type) carry a statusCode. */
function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

function classify(exception: unknown): Classified {
  if (isAppError(exception)) return { code: exception.code, detail: exception.detail, errors: exception.errors };
  if (exception instanceof ZodError) {
    return {
      code: 'VALIDATION_FAILED',
      detail: 'the request does not match the schema',
      errors: exception.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    };
  }
  if (exception instanceof HttpException) {
    const code = byStatus[exception.getStatus()] ?? (exception.getStatus() >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    return { code, detail: code === 'NOT_FOUND' ? 'no such resource' : exception.message };
  }
  const status = statusOf(exception);
  if (status && status < 500) {
    return { code: byStatus[status] ?? 'BAD_REQUEST', detail: (exception as Error).message };
  }
  // Never leak internals (stack, hosts, SQL) to the caller; the log has them.
  return { code: 'INTERNAL', detail: 'an internal error occurred; quote the instance id when reporting it' };
}

/** Every error leaves as RFC 9457 problem+json whose `instance` is the request id. */
/** The RFC 9457 body for `code`, with the request id as `instance`: the one shape every error takes. */
export function problemFor(code: ErrorCode, detail: string, requestId: string, errors?: FieldError[]): Problem {
  const { status, title } = errorCodes[code];
  return {
    type: `${problemTypeBase}${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    instance: `urn:leaf:request:${requestId}`,
    code,
    ...(errors ? { errors } : {}),
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { code, detail, errors } = classify(exception);
    const problem = problemFor(code, detail, request.id, errors);
    const { status } = problem;
    if (status >= 500) this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    else this.logger.info({ code, requestId: request.id, status }, 'request rejected');
    void reply.status(status).header('content-type', 'application/problem+json').send(problem);
  }
}
