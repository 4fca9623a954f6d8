import type { z } from 'zod';
import { TaskError } from '../worker/task-error';

/** Whose work a call is: the task's client scope (the identity sent is limited to it). */
export interface CallScope {
  clientId: string;
}

export interface ServiceClientOptions {
  /** e.g. LEAF_CLAIMS_RUNTIME_URL */
  baseUrl: string;
  service: string;
  /** Headers for every call: the signed service identity for the call's client scope. */
  headers?: (scope: CallScope) => Record<string, string>;
  timeoutMs?: number;
}

/**
 * JSON over HTTP to another Leaf service, validated against its contract. Network errors, 5xx
 * and 429 are retryable; other 4xx and contract mismatches are not (asking again gives the same answer).
 */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    init: { body?: unknown; signal: AbortSignal; scope: CallScope; headers?: Record<string, string> },
  ): Promise<{ status: number; body: z.infer<S> }> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}${path}`;
    const signal = AbortSignal.any([init.signal, AbortSignal.timeout(this.options.timeoutMs ?? 30_000)]);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.options.headers?.(init.scope),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (error) {
      if (init.signal.aborted) throw init.signal.reason;
      throw new TaskError('UPSTREAM_UNAVAILABLE', `${this.options.service} did not answer ${method} ${path}`, true, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      const problem = safeJson(text) as { code?: string; detail?: string } | undefined;
      const retryable = response.status >= 500 || response.status === 429;
      throw new TaskError(
        retryable ? 'UPSTREAM_UNAVAILABLE' : `UPSTREAM_${problem?.code ?? response.status}`,
        `${this.options.service} answered ${response.status} to ${method} ${path}${problem?.detail ? `: ${problem.detail}` : ''}`,
        retryable,
      );
    }
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new TaskError(
        'UPSTREAM_CONTRACT',
        `${this.options.service} answered ${method} ${path} outside its contract: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
        false,
      );
    }
    return { status: response.status, body: parsed.data };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sleeps `ms` unless the signal aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
