import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isAppError, type RequestAuthenticator } from '@leaf/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_AUTHENTICATOR } from '../auth/gateway.authenticator';
import { sendProblem } from '../http/problem-reply';
import { RateLimitInterceptor } from '../rate-limit/rate-limit.interceptor';
import { UpstreamClient, hop } from '../upstream/upstream.client';
import { registerMcpTools } from './mcp-tools';

/**
 * POST /mcp: MCP over Streamable HTTP, stateless (a server and transport per request, JSON
 * responses), so any gateway replica answers any call. Same authentication and rate limits as
 * the REST routes; the raw Node request/response are handed to the SDK's transport.
 */
export function registerMcpEndpoint(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const authenticator = app.get<RequestAuthenticator>(GATEWAY_AUTHENTICATOR);
  const upstream = app.get(UpstreamClient);
  const rateLimit = app.get(RateLimitInterceptor);
  const logger = new Logger('mcp-audit');

  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!isAppError(error)) throw error;
    if (error.code === 'UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer realm="leaf"');
    return sendProblem(request, reply, error.code, error.detail);
  };

  fastify.post('/mcp', async (request, reply) => {
    let identity;
    try {
      identity = await authenticator.authenticate(request);
      await rateLimit.check(reply, 'mcp', `caller:${identity.subject}`);
    } catch (error) {
      return refuse(request, reply, error);
    }
    const caller = identity;
    const server = new McpServer({ name: 'leaf-platform', version: '1' }, { capabilities: { tools: {} } });
    registerMcpTools(server, {
      identity: caller,
      hop: hop(request),
      upstream,
      audit: (tool, outcome, clientId) =>
        logger.log(`mcp tool call requestId=${request.id} tool=${tool} subject=${JSON.stringify(caller.subject)} issuer=${caller.issuer} client=${clientId ?? '-'} outcome=${outcome}`),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The transport writes the raw response itself; Fastify must not send one too.
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    await transport.handleRequest(request.raw, reply.raw, request.body);
    return reply;
  });

  // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
  for (const method of ['GET', 'DELETE'] as const) {
    fastify.route({
      method,
      url: '/mcp',
      handler: (request, reply) => {
        void reply.header('allow', 'POST');
        return sendProblem(request, reply, 'METHOD_NOT_ALLOWED', 'this MCP endpoint is stateless: POST JSON-RPC messages');
      },
    });
  }
}
