import type { OpenAPIObject } from '@nestjs/swagger';

type PathItemObject = OpenAPIObject['paths'][string];

/** /mcp is served outside Nest's router (raw Streamable HTTP), so its description is written here. */
export const mcpPathItem: PathItemObject = {
  post: {
    tags: ['mcp'],
    summary: 'Model Context Protocol (Streamable HTTP, stateless): tools over the same contracts and scopes',
    description:
      'JSON-RPC 2.0 messages of MCP. Tools: list_clients, get_guarantees, get_claims_summary, get_reconciliation_run, list_findings (read-only) ' +
      'and start_reconciliation (operators only). Every call is audited with the request id, tool and subject.',
    operationId: 'mcp',
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      '200': { description: 'JSON-RPC response (application/json or text/event-stream)' },
      '401': { description: 'no valid token', content: { 'application/problem+json': { schema: { type: 'object' } } } },
    },
  },
};
