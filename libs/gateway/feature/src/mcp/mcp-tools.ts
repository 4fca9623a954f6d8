import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  claimsSummaryQuerySchema,
  clientParamsSchema,
  findingsQuerySchema,
  reconciliationRunParamsSchema,
  runDiffQuerySchema,
  runListQuerySchema,
  startReconciliationSchema,
  type Identity,
} from '@leaf/contracts';
import { canSeeClient, hasRole, isAppError } from '@leaf/platform';
import { withQuery } from '../upstream/forward';
import { registerSearchTool } from '../search/search.mcp-tool';
import { registerSalesforceTools } from '../salesforce/salesforce.mcp-tools';
// --- domo-takeover (h-domo) ---
import { registerDomoTools } from '../domo/domo.mcp-tools';
// --- end domo-takeover ---
import type { UpstreamClient, UpstreamRequest } from '../upstream/upstream.client';

export interface McpCallContext {
  identity: Identity;
  hop: Pick<UpstreamRequest, 'requestId' | 'traceparent'>;
  upstream: UpstreamClient;
  /** Spends a client's budget for one call (checked after the scope); false when it is used up. */
  spend(routeClass: 'mcp' | 'work', clientId: string): Promise<boolean>;
  audit(tool: string, outcome: string, clientId?: string): void;
}

const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  ...(isError ? { isError } : {}),
});
const clientPath = (clientId: string) => `/v1/clients/${encodeURIComponent(clientId)}`;

/**
 * The MCP tools, generated from the same contracts as the REST routes (their zod shapes are the
 * tools' input schemas) and calling claims-runtime through the same upstream client with the
 * caller's signed identity. Read tools are annotated readOnlyHint; the one mutating tool is
 * listed (and callable) for operators only. Every call is audited.
 */
export function registerMcpTools(server: McpServer, ctx: McpCallContext): void {
  const run = async (
    tool: string,
    clientId: string | undefined,
    request: Omit<UpstreamRequest, 'requestId' | 'identity'>,
    filter?: (body: unknown) => unknown,
  ): Promise<CallToolResult> => {
    if (clientId !== undefined && !canSeeClient(ctx.identity, clientId)) {
      ctx.audit(tool, 'not-found', clientId);
      return text({ code: 'NOT_FOUND', detail: 'no such client' }, true);
    }
    // Starting a run draws on the client's one work budget, shared with /reconciliations and /v1/tasks.
    if (clientId !== undefined && !(await ctx.spend(request.method === 'POST' ? 'work' : 'mcp', clientId))) {
      ctx.audit(tool, 'rate-limited', clientId);
      return text({ code: 'RATE_LIMITED', detail: 'too many requests for this client; retry later' }, true);
    }
    try {
      const answer = await ctx.upstream.json('claims-runtime', { ...request, ...ctx.hop, identity: ctx.identity });
      const failed = answer.status >= 400;
      ctx.audit(tool, failed ? `status-${answer.status}` : 'ok', clientId);
      return text(failed || !filter ? answer.body : filter(answer.body), failed);
    } catch (error) {
      ctx.audit(tool, 'error', clientId);
      if (isAppError(error)) return text({ code: error.code, detail: error.detail }, true);
      throw error;
    }
  };
  const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };
  // retrieval's search, scoped to one client (search/search.mcp-tool.ts).
  registerSearchTool(server, ctx);
  // salesforce-mirror's IT requests, one client at a time (salesforce/salesforce.mcp-tools.ts).
  registerSalesforceTools(server, ctx);
  // --- domo-takeover (h-domo): Domo's datasets and comparisons, callers of every client only (domo/domo.mcp-tools.ts) ---
  registerDomoTools(server, ctx);
  // --- end domo-takeover ---

  server.registerTool(
    'list_clients',
    { description: 'The clients (plan sponsors) the caller may see, with their contract periods.', annotations: readOnly },
    () =>
      run('list_clients', undefined, { path: '/v1/clients' }, (body) => {
        const list = body as { items?: Array<{ clientId: string }> };
        return { ...list, items: (list.items ?? []).filter((c) => canSeeClient(ctx.identity, c.clientId)) };
      }),
  );
  server.registerTool(
    'get_guarantees',
    {
      description: 'Current version of every contracted guarantee of a client, each with its evidence (packet, page/cell).',
      inputSchema: clientParamsSchema.shape,
      annotations: readOnly,
    },
    ({ clientId }) => run('get_guarantees', clientId, { path: `${clientPath(clientId)}/guarantees` }),
  );
  server.registerTool(
    'get_claims_summary',
    {
      description: 'Net claims of a client by channel x brand/generic with effective AWP discount, optionally between two dates.',
      inputSchema: { ...clientParamsSchema.shape, ...claimsSummaryQuerySchema.shape },
      annotations: readOnly,
    },
    ({ clientId, from, to }) => run('get_claims_summary', clientId, { path: withQuery(`${clientPath(clientId)}/claims/summary`, { from, to }) }),
  );
  server.registerTool(
    'get_reconciliation_run',
    {
      description: 'A guarantee reconciliation run: status, progress, summary (total owed), buckets and artifacts.',
      inputSchema: reconciliationRunParamsSchema.shape,
      annotations: readOnly,
    },
    ({ clientId, runId }) => run('get_reconciliation_run', clientId, { path: `${clientPath(clientId)}/reconciliations/${encodeURIComponent(runId)}` }),
  );
  server.registerTool(
    'list_reconciliation_runs',
    {
      description:
        "A client's reconciliation runs, newest first (status, total owed), optionally of one contract period or status; pass nextCursor to continue.",
      inputSchema: { ...clientParamsSchema.shape, ...runListQuerySchema.shape },
      annotations: readOnly,
    },
    ({ clientId, periodId, status, cursor, limit }) =>
      run('list_reconciliation_runs', clientId, { path: withQuery(`${clientPath(clientId)}/reconciliations`, { periodId, status, cursor, limit }) }),
  );
  server.registerTool(
    'compare_reconciliation_runs',
    {
      description:
        'How a succeeded run differs from another of the same client (`against`): owed figures, buckets that changed with the term versions behind them, and findings added, removed or changed (paged by cursor).',
      inputSchema: { ...reconciliationRunParamsSchema.shape, ...runDiffQuerySchema.shape },
      annotations: readOnly,
    },
    ({ clientId, runId, against, cursor, limit }) =>
      run('compare_reconciliation_runs', clientId, {
        path: withQuery(`${clientPath(clientId)}/reconciliations/${encodeURIComponent(runId)}/diff`, { against, cursor, limit }),
      }),
  );
  server.registerTool(
    'list_findings',
    {
      description: "One page of a run's findings (shortfalls and per-claim audit findings with evidence); pass nextCursor to continue.",
      inputSchema: { ...reconciliationRunParamsSchema.shape, ...findingsQuerySchema.shape },
      annotations: readOnly,
    },
    ({ clientId, runId, cursor, limit, kind }) =>
      run('list_findings', clientId, {
        path: withQuery(`${clientPath(clientId)}/reconciliations/${encodeURIComponent(runId)}/findings`, { cursor, limit, kind }),
      }),
  );
  if (hasRole(ctx.identity, 'operator')) {
    server.registerTool(
      'start_reconciliation',
      {
        description: "Start a guarantee reconciliation of a client's contract period (operators only). Returns the queued run; poll get_reconciliation_run.",
        inputSchema: { ...clientParamsSchema.shape, ...startReconciliationSchema.shape },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      ({ clientId, periodId }) =>
        run('start_reconciliation', clientId, { method: 'POST', path: `${clientPath(clientId)}/reconciliations`, body: { periodId } }),
    );
  }
}
