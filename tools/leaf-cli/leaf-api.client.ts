import { problemSchema } from '@leaf/contracts';
import type { z } from 'zod';
import { ApiError, NetworkError, OperationError } from './leaf-cli.errors';

export interface LeafApiOptions {
  baseUrl: URL;
  token?: string;
  fetch?: typeof fetch;
  /** How long a request may wait for the answer's status and headers (a streamed body has no such limit). */
  timeoutMs?: number;
  /** Tries per request, for the failures a retry can fix (see `send`). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether sending again cannot do the work twice: every GET, and a POST under an Idempotency-Key. */
  retrySafe: boolean;
  signal?: AbortSignal;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 600);
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The problem+json an error answer carries, as an ApiError; a body that is not one still gives its status. */
export async function problemOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const problem = problemSchema.safeParse(body);
  if (problem.success) {
    const errors = (problem.data.errors ?? []).slice(0, 3).map((e) => `${e.path || '(body)'}: ${e.message}`);
    return new ApiError(res.status, problem.data.code, oneLine(`${problem.data.detail}${errors.length ? ` (${errors.join('; ')})` : ''}`));
  }
  // Not one of ours (a proxy in front of the gateway, APIM): keep what it says, never its raw body.
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  return new ApiError(
    res.status,
    str(record['code']) ?? `HTTP_${res.status}`,
    oneLine(str(record['detail']) ?? str(record['title']) ?? str(record['message']) ?? (res.statusText || 'no detail')),
  );
}

/**
 * The public gateway API, as a caller sees it: bearer token, JSON answers checked against the
 * contract schemas, problem+json turned into ApiError, and the retries that are safe.
 */
export class LeafApi {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LeafApiOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.attempts = options.attempts ?? 3;
    this.sleep = options.sleep ?? delay;
  }

  get origin(): string {
    return this.options.baseUrl.origin;
  }

  /**
   * The URL of an API path under the base URL (which may carry a prefix, as behind APIM). Only
   * `/v1/…` paths: a `nextLink` or `Location` pointing anywhere else is not followed with the token.
   */
  urlOf(path: string): string {
    if (!/^\/v1\/[^/]/.test(path) || path.includes('\\'))
      throw new OperationError('INVALID_ANSWER', `refusing to follow ${JSON.stringify(path.slice(0, 100))}: not an API path`);
    return `${this.options.baseUrl.origin}${this.options.baseUrl.pathname.replace(/\/+$/, '')}${path}`;
  }

  async get<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<ApiAnswer<T>> {
    return this.checked('GET', path, schema, await this.send('GET', path, { retrySafe: true, signal }));
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, idempotencyKey?: string): Promise<ApiAnswer<T>> {
    const headers = idempotencyKey === undefined ? undefined : { 'idempotency-key': idempotencyKey };
    return this.checked(
      'POST',
      path,
      schema,
      await this.send('POST', path, {
        body,
        headers,
        retrySafe: idempotencyKey !== undefined,
      }),
    );
  }

  /** A GET whose body the caller streams (a download, an event stream); an error status is thrown as its problem. */
  async open(path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const res = await this.send('GET', path, {
      headers,
      retrySafe: true,
      signal,
    });
    if (!res.ok) throw await problemOf(res);
    return res;
  }

  private async checked<T>(method: string, path: string, schema: z.ZodType<T>, res: Response): Promise<ApiAnswer<T>> {
    if (!res.ok) throw await problemOf(res);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OperationError('INVALID_ANSWER', `${method} ${path.split('?')[0]} answered ${res.status} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OperationError(
        'INVALID_ANSWER',
        `${method} ${path.split('?')[0]} answered ${res.status} off its contract (${issue?.path.join('.') || '(body)'}: ${issue?.message})`,
      );
    }
    return { status: res.status, headers: res.headers, body: parsed.data };
  }

  /**
   * Sends, and sends again where that is safe: a refused or reset connection or a timeout (only
   * when `retrySafe`), a 429 (nothing was done; after Retry-After) and a 503 (not ready; only
   * when `retrySafe`). Redirects are not followed: the token goes to the base URL's host only.
   */
  private async send(method: string, path: string, options: SendOptions): Promise<Response> {
    const url = this.urlOf(path);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'user-agent': 'leaf-cli',
      ...options.headers,
    };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 1; ; attempt++) {
      const connect = new AbortController();
      const timer = setTimeout(() => connect.abort(), this.timeoutMs);
      const signal = options.signal ? AbortSignal.any([connect.signal, options.signal]) : connect.signal;
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal,
          redirect: 'manual',
        });
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (options.retrySafe && attempt < this.attempts) {
          await this.sleep(500 * 2 ** (attempt - 1));
          continue;
        }
        throw new NetworkError(
          `cannot reach ${this.origin} (${connect.signal.aborted ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : causeOf(e)})`,
          { cause: e },
        );
      } finally {
        clearTimeout(timer);
      }
      if ((res.status === 429 || (res.status === 503 && options.retrySafe)) && attempt < this.attempts) {
        await res.body?.cancel();
        await this.sleep(retryAfterMs(res.headers.get('retry-after')));
        continue;
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        throw new ApiError(res.status, 'REDIRECT', `the gateway redirects (${res.headers.get('location') ?? 'no Location'}); use the final address as --url`);
      }
      return res;
    }
  }
}

/** Retry-After in seconds (RFC 9110 also allows a date; then, and without one, a second), at most 30 s. */
export function retryAfterMs(header: string | null): number {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : 1;
  return Math.min(Math.max(seconds, 0), 30) * 1000;
}

/** Node's (undici's) own codes say little to a user; the system's (ECONNREFUSED, ENOTFOUND) are well known. */
const undiciCodes: Record<string, string> = {
  UND_ERR_SOCKET: 'the connection closed before an answer',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
};

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return undiciCodes[cause.code] ?? cause.code;
  if (typeof cause?.message === 'string') return oneLine(cause.message).slice(0, 120);
  return e instanceof Error ? e.name : 'failed';
}
