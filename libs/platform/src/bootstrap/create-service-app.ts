import { randomUUID } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { answerClientError, answerFrameworkError } from '../http/edge-errors';
import { registerRequestTracing } from '../http/request-tracing';
import { NestPinoLogger } from '../logging/nest-logger';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  bodyLimitBytes: number;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The one way a Leaf service becomes an HTTP application: Fastify, JSON logs, problem+json for
 * every error, a request id on every request and response, one trace span per request.
 */
export async function createServiceApp(root: Type | DynamicModule, options: ServiceAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes,
    // Accept a caller's (APIM's, the gateway's) request id only if it is well formed.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    // Over-long URLs, oversized headers and malformed requests get problem+json too, never an echo.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Keep-alive sockets would otherwise hold close() open until the client drops them.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new NestPinoLogger(options.logger.child({ context: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemDetailsFilter(options.logger));
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestTracing(fastify, options.service);
  // Requests still in flight when close() starts get `Connection: close`, so their keep-alive
  // sockets end with the response instead of holding the shutdown open.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (closing) void reply.header('connection', 'close');
  });
  return app;
}
