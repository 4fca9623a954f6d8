import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Role } from '@leaf/contracts';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { IdentityVerifier, internalIdentityKeyBytes, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '../auth/dev-issuer';
import { gatewayService } from '../gateway.service';
import { gatewayMigrations } from '../idempotency/idempotency-schema';

const runA = 'rec_01jd5z8k3m4n5p6q7r8s9t0v1w';
const runB = 'rec_01jd5z8k3m4n5p6q7r8s9t0v2x';
const taskId = 'tsk_01jd5z8k3m4n5p6q7r8s9t0v1w';

/** claims-runtime and agent-dispatcher as the gateway sees them: canned answers, every call recorded. */
async function startUpstream(): Promise<{ url: string; calls: string[]; server: Server }> {
  const verifier = new IdentityVerifier(internalIdentityKeyBytes(undefined));
  const calls: string[] = [];
  const server = createServer(async (req, res) => {
    const token = req.headers['x-leaf-identity'];
    const verified = typeof token === 'string' ? await verifier.verify(token) : null;
    if (!verified || !('identity' in verified)) return res.writeHead(401).end();
    const url = req.url ?? '/';
    calls.push(url);
    const path = url.split('?')[0];
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/v1/clients/client-a/reconciliations') return json({ items: [{ runId: runB }], nextCursor: 'bmV4dA' });
    if (path === `/v1/clients/client-a/reconciliations/${runA}/diff`) return json({ base: { runId: runA }, other: { runId: runB }, sameInputs: false });
    if (path === `/v1/clients/client-a/reconciliations/${runA}/findings.csv`) {
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="reconciliation_client-a_p-2025_x_findings.csv"',
        server: 'internal',
      });
      res.write('finding_id,kind\r\n');
      return res.end('duplicate_fill:CLM1,duplicate_fill\r\n');
    }
    if (path === `/v1/clients/client-a/reconciliations/${runA}/events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(`id: 1\nevent: progress\ndata: {"runId":"${runA}","status":"running","progress":0.5,"stage":"x"}\n\n`);
      await new Promise((r) => setTimeout(r, 20));
      return res.end(`event: end\ndata: {"runId":"${runA}","status":"succeeded","progress":1,"stage":"done"}\n\n`);
    }
    if (path === `/v1/tasks/${taskId}/artifacts/narrative.md`) {
      return res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', etag: '"e"' }).end('# Narrative\n');
    }
    return res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'NOT_FOUND', status: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls, server };
}

describe('gateway: finding and comparing runs, task artifacts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-gateway-runs-'));
  let db: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let app: NestFastifyApplication;
  let base: string;
  const bearer = async (role: Role, clients: string[]) => ({
    authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer')), { subject: `${role}-user`, roles: [role], clients })}`,
  });

  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...gatewayMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await ds.destroy();
    upstream = await startUpstream();
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_CLAIMS_RUNTIME_URL: upstream.url,
      LEAF_AGENT_DISPATCHER_URL: upstream.url,
      LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
    });
    app = await startServiceApp(gatewayService, config, captureLogger().logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    upstream?.server.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists, compares, exports and streams runs through the gateway, within the caller's clients", async () => {
    const a = await bearer('reader', ['client-a']);
    const list = await fetch(`${base}/v1/clients/client-a/reconciliations?status=succeeded&limit=5`, { headers: a });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({
      items: [{ runId: runB }],
      nextLink: '/v1/clients/client-a/reconciliations?status=succeeded&limit=5&cursor=bmV4dA',
    });
    expect(upstream.calls.at(-1)).toBe('/v1/clients/client-a/reconciliations?status=succeeded&limit=5');

    const diff = await fetch(`${base}/v1/clients/client-a/reconciliations/${runA}/diff?against=${runB}`, { headers: a });
    expect(await diff.json()).toMatchObject({ base: { runId: runA }, other: { runId: runB } });

    const csv = await fetch(`${base}/v1/clients/client-a/reconciliations/${runA}/findings.csv`, { headers: a });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('reconciliation_client-a_p-2025');
    expect(csv.headers.get('server')).toBeNull();
    expect(await csv.text()).toBe('finding_id,kind\r\nduplicate_fill:CLM1,duplicate_fill\r\n');

    const events = await fetch(`${base}/v1/clients/client-a/reconciliations/${runA}/events`, { headers: a });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    expect(await events.text()).toMatch(/event: progress[\s\S]*event: end/);

    // Another client's runs: 404 at the gateway, the service never asked.
    const before = upstream.calls.length;
    for (const path of [
      '/v1/clients/client-b/reconciliations',
      `/v1/clients/client-b/reconciliations/${runA}/diff?against=${runB}`,
      `/v1/clients/client-b/reconciliations/${runA}/findings.csv`,
      `/v1/clients/client-b/reconciliations/${runA}/events`,
    ])
      expect((await fetch(`${base}${path}`, { headers: a })).status).toBe(404);
    // Bad input: 400 before the service is asked.
    for (const path of ['/v1/clients/client-a/reconciliations?status=done', `/v1/clients/client-a/reconciliations/${runA}/diff?against=nope`])
      expect((await fetch(`${base}${path}`, { headers: a })).status).toBe(400);
    expect(upstream.calls.length).toBe(before);
  });

  it("downloads a task's artifact from agent-dispatcher; a path for a name is refused", async () => {
    const a = await bearer('reader', ['client-a']);
    const res = await fetch(`${base}/v1/tasks/${taskId}/artifacts/narrative.md`, { headers: a });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/markdown; charset=utf-8', '# Narrative\n']);
    expect((await fetch(`${base}/v1/tasks/${taskId}/artifacts/..%2Fetc`, { headers: a })).status).toBe(400);
  });

  it('offers list and compare as read-only MCP tools that call the same routes', async () => {
    const client = new Client({ name: 'runs-spec', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: await bearer('analyst', ['client-a']) } }));
    const tools = (await client.listTools()).tools;
    for (const name of ['list_reconciliation_runs', 'compare_reconciliation_runs'])
      expect(tools.find((t) => t.name === name)?.annotations?.readOnlyHint).toBe(true);
    const listed = await client.callTool({ name: 'list_reconciliation_runs', arguments: { clientId: 'client-a', periodId: 'p-2025' } });
    expect(JSON.parse((listed.content as Array<{ text: string }>)[0]!.text)).toMatchObject({ items: [{ runId: runB }] });
    expect(upstream.calls.at(-1)).toBe('/v1/clients/client-a/reconciliations?periodId=p-2025&limit=20');
    const compared = await client.callTool({ name: 'compare_reconciliation_runs', arguments: { clientId: 'client-a', runId: runA, against: runB } });
    expect(JSON.parse((compared.content as Array<{ text: string }>)[0]!.text)).toMatchObject({ sameInputs: false });
    await client.close();
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of [
      '/v1/clients/{clientId}/reconciliations',
      '/v1/clients/{clientId}/reconciliations/{runId}/diff',
      '/v1/clients/{clientId}/reconciliations/{runId}/findings.csv',
      '/v1/clients/{clientId}/reconciliations/{runId}/events',
      '/v1/tasks/{taskId}/artifacts/{name}',
    ])
      expect(doc.paths[path]?.['get']).toBeDefined();
  });
});
