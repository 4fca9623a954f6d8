import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { ServiceName } from '@leaf/contracts';
import { AppError } from '@leaf/platform';
import { SERVICE_DIRECTORY, ServiceDirectory } from './service-directory';

export const UPSTREAM_TIMEOUT_MS = Symbol('leaf.gateway.upstream-timeout');

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * Internal HTTP to the owning service. The request id and W3C trace context go along on every
 * hop; an unreachable or timed-out service is a 502 problem that names the service, not the host.
 */
@Injectable()
export class UpstreamClient {
  constructor(
    @Inject(SERVICE_DIRECTORY) private readonly directory: ServiceDirectory,
    @Inject(UPSTREAM_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  async get(service: ServiceName, path: string, requestId: string): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': requestId };
    propagation.inject(context.active(), headers);
    let response: Response;
    try {
      response = await fetch(`${this.directory.urlOf(service)}${path}`, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} did not answer`, { cause });
    }
    const contentType = response.headers.get('content-type') ?? 'application/json';
    const text = await response.text();
    try {
      return { status: response.status, contentType, body: text ? JSON.parse(text) : null };
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} answered with a malformed body`, { cause });
    }
  }
}
