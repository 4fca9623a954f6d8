import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isAppError, type RequestAuthenticator } from '@leaf/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_AUTHENTICATOR } from '../auth/gateway.authenticator';
import { sendProblem } from '../http/problem-reply';
import { RATE_LIMITER } from '../rate-limit/rate-limit.admission';
import { callerBudget, clientBudget, type RateLimiter } from '../rate-limit/rate-limiter';
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
  const limiter = app.get<RateLimiter>(RATE_LIMITER);
  const logger = new Logger('mcp-audit');

  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!isAppError(error)) throw error;
    return sendProblem(request, reply, error.code, error.detail);
  };

  fastify.post('/mcp', async (request, reply) => {
    let identity;
    try {
      identity = await authenticator.authenticate(request);
      // A JSON-RPC batch is as many calls as it has messages, not one.
      await limiter.enforce(reply, [
        { routeClass: 'mcp', who: callerBudget(identity), cost: Array.isArray(request.body) ? Math.max(1, request.body.length) : 1 },
      ]);
    } catch (error) {
      return refuse(request, reply, error);
    }
    const caller = identity;
    const server = new McpServer({ name: 'leaf-platform', version: '1' }, { capabilities: { tools: {} } });
    registerMcpTools(server, {
      identity: caller,
      hop: hop(request),
      upstream,
      spend: async (routeClass, clientId) => (await limiter.spend([{ routeClass, who: clientBudget(clientId) }]))?.allowed !== false,
      audit: (tool, outcome, clientId) =>
        logger.log(
          `mcp tool call requestId=${request.id} tool=${tool} subject=${JSON.stringify(caller.subject)} issuer=${caller.issuer} client=${clientId ?? '-'} outcome=${outcome}`,
        ),
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
    for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
      const value = reply.getHeader(name);
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
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
