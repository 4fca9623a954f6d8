import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { clientIdSchema, salesforceIdSchema, salesforceRequestListQuerySchema } from '@leaf/contracts';
import { canSeeClient, isAppError } from '@leaf/platform';
import { withQuery } from '../upstream/forward';
import type { McpCallContext } from '../mcp/mcp-tools';

const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  ...(isError ? { isError } : {}),
});
const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };

/**
 * Read tools over the Salesforce IT-request mirror, for one client at a time (the call is charged
 * to that client's budget): the client's requests, and one request with its history, files,
 * notes, feed and the tasks it caused. The caller's signed identity goes to salesforce-mirror,
 * which scopes again; a request of another client is NOT_FOUND.
 */
export function registerSalesforceTools(server: McpServer, ctx: McpCallContext): void {
  const call = async (tool: string, clientId: string, path: string, check?: (body: Record<string, unknown>) => boolean): Promise<CallToolResult> => {
    if (!canSeeClient(ctx.identity, clientId)) {
      ctx.audit(tool, 'not-found', clientId);
      return text({ code: 'NOT_FOUND', detail: 'no such client' }, true);
    }
    if (!(await ctx.spend('mcp', clientId))) {
      ctx.audit(tool, 'rate-limited', clientId);
      return text({ code: 'RATE_LIMITED', detail: 'too many requests for this client; retry later' }, true);
    }
    try {
      const answer = await ctx.upstream.json('salesforce-mirror', { path, ...ctx.hop, identity: ctx.identity });
      const failed = answer.status >= 400;
      if (!failed && check && !check(answer.body as Record<string, unknown>)) {
        ctx.audit(tool, 'not-found', clientId);
        return text({ code: 'NOT_FOUND', detail: 'no such IT request for this client' }, true);
      }
      ctx.audit(tool, failed ? `status-${answer.status}` : 'ok', clientId);
      return text(answer.body, failed);
    } catch (error) {
      ctx.audit(tool, 'error', clientId);
      if (isAppError(error)) return text({ code: error.code, detail: error.detail }, true);
      throw error;
    }
  };
  const { clientId: _optional, includeDeleted: _flag, ...filters } = salesforceRequestListQuerySchema.shape;

  server.registerTool(
    'list_it_requests',
    {
      description: "List one client's IT requests mirrored from Salesforce (filter by status, subject words, modified since; page with cursor).",
      inputSchema: { ...filters, clientId: clientIdSchema },
      annotations: readOnly,
    },
    async ({ clientId, status, q, modifiedSince, limit, cursor }) =>
      call('list_it_requests', clientId, withQuery('/v1/salesforce/requests', { clientId, status, q, modifiedSince, limit, cursor })),
  );

  server.registerTool(
    'get_it_request',
    {
      description:
        'One IT request of a client with its fields, field history, files, notes, feed and comments, and the tasks, runs and deliverables it caused.',
      inputSchema: { clientId: clientIdSchema, requestId: salesforceIdSchema },
      annotations: readOnly,
    },
    async ({ clientId, requestId }) =>
      call('get_it_request', clientId, `/v1/salesforce/requests/${encodeURIComponent(requestId)}`, (body) => body['clientId'] === clientId),
  );
}
