import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { domoComparisonParamsSchema, domoDifferenceQuerySchema, domoExportListQuerySchema, domoExportParamsSchema, domoPageQuerySchema } from '@leaf/contracts';
import { isAppError } from '@leaf/platform';
import { z } from 'zod';
import { withQuery } from '../upstream/forward';
import type { McpCallContext } from '../mcp/mcp-tools';

const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  ...(isError ? { isError } : {}),
});
const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };
// The REST query's material is the string 'true'/'false'; a tool takes a JSON boolean.
const { material: _text, ...differenceFilters } = domoDifferenceQuerySchema.shape;
const comparisonPath = (comparisonId: string, rest = '') => `/v1/domo/comparisons/${encodeURIComponent(comparisonId)}${rest}`;

/**
 * Read tools over the Domo takeover: datasets and their gates, exports and gate failures,
 * comparisons and their differences by reason. Domo's datasets hold every client's rows, so only
 * a caller scoped to every client gets an answer (NOT_FOUND otherwise, before anything is asked);
 * the caller's signed identity goes to domo-takeover, which checks the same again. No client's
 * budget is spent: the call names none (the caller's MCP budget was spent by the endpoint).
 */
export function registerDomoTools(server: McpServer, ctx: McpCallContext): void {
  const call = async (tool: string, path: string): Promise<CallToolResult> => {
    if (ctx.identity.clientIds !== '*') {
      ctx.audit(tool, 'not-found');
      return text({ code: 'NOT_FOUND', detail: 'no Domo takeover data in your client scope' }, true);
    }
    try {
      const answer = await ctx.upstream.json('domo-takeover', { path, ...ctx.hop, identity: ctx.identity });
      const failed = answer.status >= 400;
      ctx.audit(tool, failed ? `status-${answer.status}` : 'ok');
      return text(answer.body, failed);
    } catch (error) {
      ctx.audit(tool, 'error');
      if (isAppError(error)) return text({ code: error.code, detail: error.detail }, true);
      throw error;
    }
  };

  server.registerTool(
    'list_domo_datasets',
    {
      description: 'The Domo datasets the takeover brings in: columns, key, flaw gates (kind, severity, mostly threshold) and the promoted export.',
      annotations: readOnly,
    },
    () => call('list_domo_datasets', '/v1/domo/datasets'),
  );
  server.registerTool(
    'list_domo_exports',
    {
      description: 'Domo exports ingested into bronze and silver, newest first: status (promoted, blocked, rejected), rows, reason and schema drift.',
      inputSchema: domoExportListQuerySchema.shape,
      annotations: readOnly,
    },
    ({ dataset, limit, offset }) => call('list_domo_exports', withQuery('/v1/domo/exports', { dataset, limit, offset })),
  );
  server.registerTool(
    'get_domo_gate_failures',
    {
      description: 'The flaw gates of one Domo export that warned or failed (not null, unique key, accepted values, freshness...), with failing-row samples.',
      inputSchema: domoExportParamsSchema.shape,
      annotations: readOnly,
    },
    ({ exportId }) => call('get_domo_gate_failures', `/v1/domo/exports/${encodeURIComponent(exportId)}/gate-failures`),
  );
  server.registerTool(
    'list_domo_comparisons',
    {
      description: "Golden comparisons of Domo's published output against the backend's curated model, newest first, with differences by reason and sign-off.",
      inputSchema: domoPageQuerySchema.shape,
      annotations: readOnly,
    },
    ({ limit, offset }) => call('list_domo_comparisons', withQuery('/v1/domo/comparisons', { limit, offset })),
  );
  server.registerTool(
    'get_domo_comparison',
    {
      description: 'One golden comparison: keys compared and matched, differences and material differences by reason code, packet hashes and sign-off.',
      inputSchema: domoComparisonParamsSchema.shape,
      annotations: readOnly,
    },
    ({ comparisonId }) => call('get_domo_comparison', comparisonPath(comparisonId)),
  );
  server.registerTool(
    'list_domo_differences',
    {
      description:
        'One page of the differences of a comparison (key, measure, Domo and backend values, delta, materiality, reason code and why), filtered by reason and materiality.',
      inputSchema: { ...domoComparisonParamsSchema.shape, ...differenceFilters, material: z.boolean().optional() },
      annotations: readOnly,
    },
    ({ comparisonId, reason, material, limit, offset }) =>
      call(
        'list_domo_differences',
        withQuery(comparisonPath(comparisonId, '/differences'), { reason, material: material === undefined ? undefined : String(material), limit, offset }),
      ),
  );
}
