import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { z } from 'zod';
import { startLocalStack, type LocalStack } from './start-local-stack';

type Json = Record<string, unknown>;
type Response = { content?: Record<string, { schema?: Json }> };
type Document = {
  paths: Record<string, Record<string, { operationId: string; summary?: string; responses: Record<string, Response> }>>;
  components: { schemas: Record<string, Json> };
};

/** The document's schema with its component $refs inlined, as z.fromJSONSchema reads one document at a time. */
function resolved(schema: unknown, components: Record<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolved(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Json)['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return resolved(components[ref.slice('#/components/schemas/'.length)], components);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolved(v, components)]));
}

/**
 * Every documented GET, called on a started stack with ids the seeded data and earlier answers
 * give, and its answer checked against the document: the status is one the operation lists and
 * a JSON body validates against the schema documented for that status.
 */
describe('the OpenAPI document against the running stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-openapi-stack-'));
  const env = { LEAF_DATA_DIR: dataDir, LEAF_SEED_CLAIMS: '4000', LEAF_PORT_OFFSET: String(25_000 + (process.pid % 5_000)), LOG_LEVEL: 'warn' };
  let stack: LocalStack;
  let caller: Record<string, string>;
  let document: Document;

  beforeAll(async () => {
    stack = await startLocalStack(env);
    caller = {
      authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dataDir, 'dev-issuer')), { subject: 'openapi-conformance', roles: ['operator'], clients: '*' })}`,
    };
    document = (await (await fetch(`${stack.gatewayUrl}/docs/json`)).json()) as Document;
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.gatewayUrl}${path}`, { ...init, headers: { ...caller, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

  async function conforms(template: string, path: string): Promise<number> {
    const operation = document.paths[template]?.get;
    if (!operation) throw new Error(`GET ${template} is not documented`);
    const controller = new AbortController();
    const res = await call(path, { signal: controller.signal });
    const documented = operation.responses[String(res.status)];
    expect({ operation: operation.operationId, status: res.status, documented: Boolean(documented) }).toEqual({
      operation: operation.operationId,
      status: res.status,
      documented: true,
    });
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    const schema = documented.content?.[type]?.schema;
    if (type.endsWith('json') && schema) {
      const parsed = z.fromJSONSchema(resolved(schema, document.components.schemas) as Parameters<typeof z.fromJSONSchema>[0]).safeParse(await res.json());
      expect({ operation: operation.operationId, issues: parsed.success ? [] : parsed.error.issues.slice(0, 5) }).toEqual({
        operation: operation.operationId,
        issues: [],
      });
    } else {
      // Downloads and event streams: the status and media type are what can be checked.
      expect(Object.keys(documented.content ?? { [type]: {} })).toContain(type);
      controller.abort();
    }
    return res.status;
  }

  it('answers every documented GET as the document says', async () => {
    const seen = new Set<string>();
    const check = async (template: string, path: string, expected = 200) => {
      seen.add(template);
      expect(await conforms(template, path)).toBe(expected);
    };
    await check('/health', '/health');
    await check('/v1/clients', '/v1/clients');
    const clients = (await (await call('/v1/clients')).json()) as { items: Array<{ clientId: string; periods: Array<{ periodId: string }> }> };
    const { clientId, periods } = clients.items[0];
    await check('/v1/clients/{clientId}/guarantees', `/v1/clients/${clientId}/guarantees`);
    await check('/v1/clients/{clientId}/claims/summary', `/v1/clients/${clientId}/claims/summary?from=2025-01-01&to=2025-12-31`);

    const started = await call(`/v1/clients/${clientId}/reconciliations`, { method: 'POST', body: JSON.stringify({ periodId: periods[0].periodId }) });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    const run = `/v1/clients/${clientId}/reconciliations/${runId}`;
    for (let status = ''; !['succeeded', 'failed'].includes(status); await new Promise((r) => setTimeout(r, 250))) {
      status = ((await (await call(run)).json()) as { status: string }).status;
    }
    await check('/v1/clients/{clientId}/reconciliations/{runId}', run);
    await check('/v1/clients/{clientId}/reconciliations/{runId}/findings', `${run}/findings?limit=5`);
    await check('/v1/clients/{clientId}/reconciliations/{runId}/artifacts/{name}', `${run}/artifacts/reconciliation.xlsx`);
    await check('/v1/clients/{clientId}/reconciliations/{runId}/findings.csv', `${run}/findings.csv`);
    await check('/v1/clients/{clientId}/reconciliations/{runId}/events', `${run}/events`);
    await check('/v1/clients/{clientId}/reconciliations', `/v1/clients/${clientId}/reconciliations?limit=5`);
    // A second run of the same period to compare the first with.
    const again = await call(`/v1/clients/${clientId}/reconciliations`, {
      method: 'POST',
      body: JSON.stringify({ periodId: periods[0].periodId }),
      headers: { 'idempotency-key': `conformance-${runId}` },
    });
    expect(again.status).toBe(202);
    const second = `/v1/clients/${clientId}/reconciliations/${((await again.json()) as { runId: string }).runId}`;
    for (let status = ''; !['succeeded', 'failed'].includes(status); await new Promise((r) => setTimeout(r, 250))) {
      status = ((await (await call(second)).json()) as { status: string }).status;
    }
    await check('/v1/clients/{clientId}/reconciliations/{runId}/diff', `${second}/diff?against=${runId}`);

    const created = await call('/v1/tasks', { method: 'POST', body: JSON.stringify({ kind: 'contracts.sync', clientId, parameters: { clientId } }) });
    expect(created.status).toBe(201);
    const { taskId } = (await created.json()) as { taskId: string };
    await check('/v1/tasks', '/v1/tasks?limit=5');
    await check('/v1/tasks/{taskId}', `/v1/tasks/${taskId}`);
    await check('/v1/tasks/{taskId}/events', `/v1/tasks/${taskId}/events`);
    // platform.noop records one artifact (noop.json) when it succeeds.
    const noop = await call('/v1/tasks', { method: 'POST', body: JSON.stringify({ kind: 'platform.noop', clientId, parameters: { note: 'conformance' } }) });
    expect(noop.status).toBe(201);
    const noopTask = `/v1/tasks/${((await noop.json()) as { taskId: string }).taskId}`;
    for (let status = ''; !['succeeded', 'failed', 'dead-lettered'].includes(status); await new Promise((r) => setTimeout(r, 250))) {
      status = ((await (await call(noopTask)).json()) as { status: string }).status;
    }
    await check('/v1/tasks/{taskId}/artifacts/{name}', `${noopTask}/artifacts/noop.json`);

    await check('/v1/packets', '/v1/packets?limit=5');
    const packets = (await (await call('/v1/packets?limit=1')).json()) as { items: Array<{ packetId: string }> };
    await check('/v1/packets/{packetId}', `/v1/packets/${packets.items[0].packetId}`);
    await check('/v1/packets/{packetId}/terms', `/v1/packets/${packets.items[0].packetId}/terms`);
    // retrieval indexes the promoted packets' search documents; the answer conforms whatever it finds.
    await check('/v1/search', `/v1/search?q=${encodeURIComponent('specialty brand discount guarantee')}&clientId=${clientId}`);
    await check('/v1/operations/queues', '/v1/operations/queues');
    await check('/v1/operations/lanes', '/v1/operations/lanes');
    await check('/v1/operations/cluster', '/v1/operations/cluster');
    // h-ops: dead-letter administration (a subscription's page too: the address has two forms).
    await check('/v1/operations/dead-letters', '/v1/operations/dead-letters?queue=agent-tasks');
    await check('/v1/operations/dead-letters', '/v1/operations/dead-letters?topic=agent.task-failed.v1&subscription=agent-dispatcher&maxCount=5');
    // salesforce-mirror: the embedded stack mirrors the org LEAF_SALESFORCE_LOGIN_URL names (none by
    // default: empty lists, a 404 request); the answers conform whatever it holds.
    await check('/v1/salesforce/requests', '/v1/salesforce/requests?limit=5');
    const sfRequests = (await (await call('/v1/salesforce/requests?limit=1')).json()) as { items: Array<{ requestId: string }> };
    const sfRequest = `/v1/salesforce/requests/${sfRequests.items[0]?.requestId ?? 'a0X000000000001AAA'}`;
    await check('/v1/salesforce/requests/{requestId}', sfRequest, sfRequests.items.length ? 200 : 404);
    await check('/v1/salesforce/requests/{requestId}/files/{contentVersionId}', `${sfRequest}/files/068000000000005AAA`, 404);
    await check('/v1/salesforce/lineage', `/v1/salesforce/lineage?taskId=${taskId}`);
    await check('/v1/salesforce/sync', '/v1/salesforce/sync');
    await check('/v1/salesforce/completeness', '/v1/salesforce/completeness');
    // --- domo-takeover (h-domo): the first start ingested the synthetic Domo and compared it ---
    await check('/v1/domo/datasets', '/v1/domo/datasets');
    await check('/v1/domo/exports', '/v1/domo/exports?limit=5');
    const domoExports = (await (await call('/v1/domo/exports?dataset=claims_extract&limit=1')).json()) as { items: Array<{ exportId: string }> };
    await check('/v1/domo/exports/{exportId}', `/v1/domo/exports/${domoExports.items[0].exportId}`);
    await check('/v1/domo/exports/{exportId}/gate-failures', `/v1/domo/exports/${domoExports.items[0].exportId}/gate-failures`);
    await check('/v1/domo/comparisons', '/v1/domo/comparisons?limit=5');
    const domoComparisons = (await (await call('/v1/domo/comparisons?limit=1')).json()) as { items: Array<{ comparisonId: string }> };
    const domoComparison = `/v1/domo/comparisons/${domoComparisons.items[0].comparisonId}`;
    await check('/v1/domo/comparisons/{comparisonId}', domoComparison);
    await check('/v1/domo/comparisons/{comparisonId}/differences', `${domoComparison}/differences?reason=rounding&limit=5`);
    await check('/v1/domo/comparisons/{comparisonId}/artifacts/{name}', `${domoComparison}/artifacts/packet.xlsx`);
    // --- end domo-takeover ---
    // A problem answer conforms too: another client's (here: no) run is a documented 404.
    await conforms('/v1/clients/{clientId}/reconciliations/{runId}', `/v1/clients/${clientId}/reconciliations/rec_00000000000000000000000000`);

    // Every GET of the operation table is called. A route not in the table yet has no summary: the
    // OpenAPI lint (tools/openapi-export) fails on it, and once it is added this list asks for a call.
    const documentedGets = Object.entries(document.paths)
      .filter(([, item]) => item.get?.summary)
      .map(([template]) => template);
    expect([...seen].sort()).toEqual(documentedGets.sort());
  }, 180_000);
});
