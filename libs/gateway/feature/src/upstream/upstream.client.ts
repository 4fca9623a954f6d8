import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { Identity, ServiceName } from '@leaf/contracts';
import { AppError, IdentitySigner } from '@leaf/platform';
import { SERVICE_DIRECTORY, ServiceDirectory } from './service-directory';

export const UPSTREAM_TIMEOUT_MS = Symbol('leaf.gateway.upstream-timeout');

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * Internal HTTP to the owning service. The request id, W3C trace context and the signed identity
 * go along on every hop; an unreachable or timed-out service is a 502 problem that names the service, not the host.
 */
@Injectable()
export class UpstreamClient {
  constructor(
    @Inject(SERVICE_DIRECTORY) private readonly directory: ServiceDirectory,
    @Inject(UPSTREAM_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(IdentitySigner) private readonly signer: IdentitySigner,
  ) {}

  /** `identity`: the verified caller, signed for the service; without one the gateway calls as itself. */
  async get(service: ServiceName, path: string, requestId: string, identity?: Identity): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': requestId,
      ...(identity ? this.signer.headers(identity) : this.signer.serviceHeaders('gateway', 'reader')),
    };
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
