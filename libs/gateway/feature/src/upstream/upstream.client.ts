import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { Identity, ServiceName } from '@leaf/contracts';
import { AppError, IdentitySigner } from '@leaf/platform';
import type { FastifyRequest } from 'fastify';
import { SERVICE_DIRECTORY, ServiceDirectory } from './service-directory';

export const UPSTREAM_TIMEOUT_MS = Symbol('leaf.gateway.upstream-timeout');

export interface UpstreamResponse {
  status: number;
  contentType: string;
  headers: Headers;
  body: unknown;
}

const traceparentPattern = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The request id and (well-formed) trace context of the request being served, for the next hop. */
export const hop = (request: FastifyRequest): Pick<UpstreamRequest, 'requestId' | 'traceparent'> => {
  const traceparent = request.headers['traceparent'];
  return { requestId: request.id, ...(typeof traceparent === 'string' && traceparentPattern.test(traceparent) ? { traceparent } : {}) };
};

export interface UpstreamRequest {
  method?: 'GET' | 'POST';
  path: string;
  requestId: string;
  /** The caller's W3C trace context, passed on as is when telemetry is off (no propagator). */
  traceparent?: string;
  /** The verified caller, signed for the service; without one the gateway calls as itself. */
  identity?: Identity;
  body?: unknown;
}

/** Headers a download keeps on its way through; everything else (server, internal ones) is dropped. */
const downloadHeaders = ['content-type', 'content-length', 'etag', 'content-disposition', 'last-modified', 'cache-control'] as const;

/**
 * Internal HTTP to the owning service. The request id, W3C trace context and the signed identity
 * go along on every hop. A service's 4xx problem passes through (it is already problem+json with
 * the same request id); an unreachable service, a timeout, a 5xx or a malformed answer becomes a
 * 502 that names the service, never its host or its error text.
 */
@Injectable()
export class UpstreamClient {
  constructor(
    @Inject(SERVICE_DIRECTORY) private readonly directory: ServiceDirectory,
    @Inject(UPSTREAM_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(IdentitySigner) private readonly signer: IdentitySigner,
  ) {}

  /** A readiness report: a 503 with a report body is an answer, not a failure. */
  health(service: ServiceName, requestId: string): Promise<UpstreamResponse> {
    return this.json(service, { path: '/health/ready', requestId }, true);
  }

  async json(service: ServiceName, request: UpstreamRequest, serverErrorsAreAnswers = false): Promise<UpstreamResponse> {
    const response = await this.send(service, request, 'application/json');
    const contentType = response.headers.get('content-type') ?? 'application/json';
    if (response.status >= 500 && !serverErrorsAreAnswers) {
      await response.body?.cancel();
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} could not complete the request`);
    }
    let text: string;
    try {
      text = await response.text();
      return { status: response.status, contentType, headers: response.headers, body: text ? JSON.parse(text) : null };
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} answered with a malformed body`, { cause });
    }
  }

  /**
   * A binary download, streamed: the body is piped through as it arrives instead of being
   * buffered, with only the content headers kept. Errors arrive as JSON (problem) instead.
   */
  async download(service: ServiceName, request: UpstreamRequest): Promise<{ status: number; headers: Record<string, string>; stream: Readable } | UpstreamResponse> {
    const response = await this.send(service, request, '*/*');
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} could not complete the request`);
    }
    if (response.status >= 400 || contentType.includes('json')) {
      const text = await response.text();
      try {
        return { status: response.status, contentType, headers: response.headers, body: text ? JSON.parse(text) : null };
      } catch (cause) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `${service} answered with a malformed body`, { cause });
      }
    }
    const headers: Record<string, string> = {};
    for (const name of downloadHeaders) {
      const value = response.headers.get(name);
      if (value) headers[name] = value;
    }
    return { status: response.status, headers, stream: response.body ? Readable.fromWeb(response.body as never) : Readable.from([]) };
  }

  private async send(service: ServiceName, request: UpstreamRequest, accept: string): Promise<Response> {
    const headers: Record<string, string> = {
      accept,
      'x-request-id': request.requestId,
      ...(request.identity ? this.signer.headers(request.identity) : this.signer.serviceHeaders('gateway', 'reader')),
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    propagation.inject(context.active(), headers);
    if (!headers['traceparent'] && request.traceparent) headers['traceparent'] = request.traceparent;
    try {
      return await fetch(`${this.directory.urlOf(service)}${request.path}`, {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} did not answer`, { cause });
    }
  }
}
