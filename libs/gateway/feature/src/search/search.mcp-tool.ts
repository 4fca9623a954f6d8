import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { clientIdSchema, searchQuerySchema } from '@leaf/contracts';
import { canSeeClient, isAppError } from '@leaf/platform';
import { withQuery } from '../upstream/forward';
import type { McpCallContext } from '../mcp/mcp-tools';

const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  ...(isError ? { isError } : {}),
});

/**
 * The `search` MCP tool: GET /v1/search for one client (an agent works for one client at a time,
 * and the call is charged to that client's budget). Read-only, audited like every tool; the
 * caller's signed identity goes to retrieval, which scopes every branch by it.
 */
export function registerSearchTool(server: McpServer, ctx: McpCallContext): void {
  server.registerTool(
    'search',
    {
      description:
        "Search one client's contracts (rate cells, pages), reconciliation findings, requests, takeover comparisons and docs; hits carry source, locator and hash.",
      inputSchema: { ...searchQuerySchema.shape, clientId: clientIdSchema },
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    async ({ q, module, clientId, limit }) => {
      if (!canSeeClient(ctx.identity, clientId)) {
        ctx.audit('search', 'not-found', clientId);
        return text({ code: 'NOT_FOUND', detail: 'no such client' }, true);
      }
      if (!(await ctx.spend('mcp', clientId))) {
        ctx.audit('search', 'rate-limited', clientId);
        return text({ code: 'RATE_LIMITED', detail: 'too many requests for this client; retry later' }, true);
      }
      try {
        const answer = await ctx.upstream.json('retrieval', {
          path: withQuery('/v1/search', { q, module, clientId, limit }),
          ...ctx.hop,
          identity: ctx.identity,
        });
        const failed = answer.status >= 400;
        ctx.audit('search', failed ? `status-${answer.status}` : 'ok', clientId);
        return text(answer.body, failed);
      } catch (error) {
        ctx.audit('search', 'error', clientId);
        if (isAppError(error)) return text({ code: error.code, detail: error.detail }, true);
        throw error;
      }
    },
  );
}
