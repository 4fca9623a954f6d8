import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { Identity, ServiceName } from '@leaf/contracts';
import { AppError, IdentitySigner, viewOfJson } from '@leaf/platform';
import type { FastifyRequest } from 'fastify';
import { SERVICE_DIRECTORY, ServiceDirectory } from './service-directory';

export const UPSTREAM_TIMEOUT_MS = Symbol('leaf.gateway.upstream-timeout');

export interface UpstreamResponse {
  status: number;
  contentType: string;
  headers: Headers;
  /** The service's Location and ETag, read without building `headers` (the hot path never needs the rest). */
  location?: string | undefined;
  etag?: string | undefined;
  body: unknown;
}

const traceparentPattern = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The request id and (well-formed) trace context of the request being served, for the next hop. */
export const hop = (request: FastifyRequest): Pick<UpstreamRequest, 'requestId' | 'traceparent' | 'ifNoneMatch'> => {
  const traceparent = request.headers['traceparent'];
  const ifNoneMatch = request.headers['if-none-match'];
  return {
    requestId: request.id,
    ...(typeof traceparent === 'string' && traceparentPattern.test(traceparent) ? { traceparent } : {}),
    ...(typeof ifNoneMatch === 'string' && ifNoneMatch.length <= 1024 ? { ifNoneMatch } : {}),
  };
};

export interface UpstreamRequest {
  method?: 'GET' | 'POST';
  path: string;
  requestId: string;
  /** The caller's W3C trace context, passed on as is when telemetry is off (no propagator). */
  traceparent?: string;
  /** The caller's validators, for a GET the service may answer with 304 (its read models carry ETags). */
  ifNoneMatch?: string;
  /** The verified caller, signed for the service; without one the gateway calls as itself. */
  identity?: Identity;
  body?: unknown;
  /** Extra headers the service needs (Idempotency-Key, Last-Event-ID); never the caller's others. */
  headers?: Record<string, string>;
  /** Socket idle timeout; 0 for a long-lived stream (SSE). Defaults to LEAF_UPSTREAM_TIMEOUT_MS. */
  idleTimeoutMs?: number;
}

/** Headers a download keeps on its way through; everything else (server, internal ones) is dropped. */
const downloadHeaders = ['content-type', 'content-length', 'etag', 'content-disposition', 'last-modified', 'cache-control', 'content-encoding'] as const;

/**
 * Internal HTTP to the owning service. The request id, W3C trace context and the signed identity
 * go along on every hop. JSON answers reach a caller below operator with internals withheld. A
 * service's 4xx problem passes through (it is already problem+json with
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

  private readonly targets = new Map<ServiceName, Target>();

  /** A readiness report: a 503 with a report body is an answer, not a failure. */
  health(service: ServiceName, requestId: string): Promise<UpstreamResponse> {
    return this.json(service, { path: '/health/ready', requestId }, true);
  }

  async json(service: ServiceName, request: UpstreamRequest, serverErrorsAreAnswers = false): Promise<UpstreamResponse> {
    const response = await this.send(service, request, 'application/json');
    const contentType = response.header('content-type') ?? 'application/json';
    if (response.status >= 500 && !serverErrorsAreAnswers) {
      response.cancel();
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} could not complete the request`);
    }
    try {
      const text = await response.text();
      return responseOf(response, contentType, this.view(request, text));
    } catch (cause) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} answered with a malformed body`, { cause });
    }
  }

  /**
   * A binary download, streamed: the body is piped through as it arrives instead of being
   * buffered, with only the content headers kept. Errors arrive as JSON (problem) instead.
   */
  async download(
    service: ServiceName,
    request: UpstreamRequest,
  ): Promise<{ status: number; headers: Record<string, string>; stream: Readable } | UpstreamResponse> {
    const response = await this.send(service, request, '*/*');
    const contentType = response.header('content-type') ?? '';
    if (response.status >= 500) {
      response.cancel();
      throw new AppError('UPSTREAM_UNAVAILABLE', `${service} could not complete the request`);
    }
    if (response.status >= 400 || contentType.includes('json')) {
      const text = await response.text();
      try {
        return responseOf(response, contentType, this.view(request, text));
      } catch (cause) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `${service} answered with a malformed body`, { cause });
      }
    }
    const headers: Record<string, string> = {};
    for (const name of downloadHeaders) {
      const value = response.header(name);
      if (value) headers[name] = value;
    }
    return { status: response.status, headers, stream: response.stream };
  }

  /**
   * What the caller may see of a service's JSON answer: below operator, internal addresses, host
   * names, paths, SQL and stack traces (in error texts written for operators) are withheld.
   */
  private view(request: UpstreamRequest, text: string): unknown {
    if (!text) return null;
    return request.identity ? viewOfJson(request.identity, text) : JSON.parse(text);
  }

  /** A service's parsed base URL, once: parsing a URL per request showed in the gateway's profile. */
  private targetOf(service: ServiceName): Target {
    let target = this.targets.get(service);
    if (!target) {
      const url = new URL(this.directory.urlOf(service));
      const secure = url.protocol === 'https:';
      target = {
        client: secure ? https : http,
        agent: secure ? httpsAgent : httpAgent,
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? '443' : '80'),
        basePath: url.pathname.replace(/\/$/, ''),
      };
      this.targets.set(service, target);
    }
    return target;
  }

  private send(service: ServiceName, request: UpstreamRequest, accept: string): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = {
      ...request.headers,
      accept,
      'x-request-id': request.requestId,
      ...(request.identity ? this.signer.headers(request.identity) : this.signer.serviceHeaders('gateway', 'reader')),
    };
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (request.ifNoneMatch && (request.method ?? 'GET') === 'GET') headers['if-none-match'] = request.ifNoneMatch;
    propagation.inject(context.active(), headers);
    if (!headers['traceparent'] && request.traceparent) headers['traceparent'] = request.traceparent;
    const target = this.targetOf(service);
    return new Promise<UpstreamAnswer>((resolve, reject) => {
      // node:http with a keep-alive agent: a fraction of fetch's per-request cost on the hot path.
      const outgoing = target.client.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: `${target.basePath}${request.path}`,
          method: request.method ?? 'GET',
          headers,
          agent: target.agent,
          timeout: request.idleTimeoutMs ?? this.timeoutMs,
        },
        (incoming) => resolve(answerOf(incoming)),
      );
      const fail = (cause: unknown) => reject(new AppError('UPSTREAM_UNAVAILABLE', `${service} did not answer`, { cause }));
      outgoing.on('timeout', () => outgoing.destroy(new Error('upstream timeout')));
      outgoing.on('error', fail);
      outgoing.end(payload);
    });
  }
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

interface Target {
  client: typeof http | typeof https;
  agent: http.Agent;
  protocol: string;
  hostname: string;
  port: string;
  basePath: string;
}

/** An UpstreamResponse whose `headers` are copied only if someone reads them. */
function responseOf(answer: UpstreamAnswer, contentType: string, body: unknown): UpstreamResponse {
  return {
    status: answer.status,
    contentType,
    get headers() {
      return answer.headers;
    },
    location: answer.header('location'),
    etag: answer.header('etag'),
    body,
  };
}

/** The parts of a response the client reads: status, headers, and the body as a stream or text. */
interface UpstreamAnswer {
  status: number;
  /** All headers as a Headers object, built on first use. */
  readonly headers: Headers;
  /** One header, straight from the parsed response. */
  header(name: string): string | undefined;
  stream: Readable;
  text(): Promise<string>;
  cancel(): void;
}

function answerOf(incoming: http.IncomingMessage): UpstreamAnswer {
  let headers: Headers | undefined;
  return {
    status: incoming.statusCode ?? 502,
    get headers() {
      if (!headers) {
        headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        }
      }
      return headers;
    },
    header: (name) => {
      const value = incoming.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    stream: incoming,
    text: () =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (c: Buffer) => chunks.push(c));
        incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        incoming.on('error', reject);
      }),
    cancel: () => incoming.resume(),
  };
}
