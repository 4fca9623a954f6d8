import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Identity, Role } from '@leaf/contracts';
import { runMigrations, createDataSource } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { IdentityVerifier, internalIdentityKeyBytes, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '../auth/dev-issuer';
import { serviceUrlSetting } from '../gateway.config';
import { gatewayService } from '../gateway.service';
import { gatewayMigrations } from '../idempotency/idempotency-schema';

const exportId = 'dex-0123456789abcdef01234567';
const comparisonId = 'dcm-0123456789abcdef01234567';
const packetPdf = Buffer.from('%PDF-1.3\nnot really a packet, but bytes the gateway must pass through unchanged\n%%EOF\n');

/**
 * The Domo takeover's routes and MCP tools on a real gateway, in front of a recording stand-in of
 * domo-takeover (the local stack's security and conformance suites run the real one): what is
 * forwarded (path, query, signed identity), what the gateway refuses before the service sees it
 * (roles, org-wide starts, malformed ids and packet names), and packet bytes streamed through.
 */
describe('gateway: Domo takeover routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-gateway-domo-'));
  const calls: Array<{ method: string; url: string; identity: Identity | null; body: string }> = [];
  const log = captureLogger();
  let db: TestDatabase;
  let upstream: Server;
  let app: NestFastifyApplication;
  let base: string;
  const bearer = async (role: Role, clients: string[] | '*', subject = `${role}-user`) => ({
    authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer')), { subject, roles: [role], clients })}`,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (path: string, headers: Record<string, string>, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(bytes.toString()) : bytes };
  };

  beforeAll(async () => {
    const verifier = new IdentityVerifier(internalIdentityKeyBytes(undefined));
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const token = req.headers['x-leaf-identity'];
        const verified = typeof token === 'string' ? await verifier.verify(token) : null;
        const identity = verified && 'identity' in verified ? verified.identity : null;
        calls.push({ method: req.method ?? '', url: req.url ?? '', identity, body: Buffer.concat(chunks).toString() });
        // Like the service: Domo's data only for callers of every client.
        if (identity?.clientIds !== '*') {
          res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'NOT_FOUND', status: 404, title: 'Not Found' }));
        } else if (req.url?.endsWith('/packet.pdf')) {
          res
            .writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(packetPdf.length), etag: '"abc"', 'x-internal': 'no' })
            .end(packetPdf);
        } else {
          res.writeHead(req.method === 'POST' && req.url === '/v1/domo/comparisons' ? 201 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ items: [], echo: req.url }));
        }
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    db = await createPgliteTestDatabase();
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: gatewayMigrations.postgres }).initialize();
    await runMigrations(ds);
    await ds.destroy();
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
      [serviceUrlSetting('domo-takeover')]: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`,
    });
    app = await startServiceApp(gatewayService, config, log.logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => upstream?.close(resolve));
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards every read with its path, validated query and the verified caller', async () => {
    const reader = await bearer('reader', '*', 'domo-reader');
    const reads: Array<[string, string]> = [
      ['/v1/domo/datasets', '/v1/domo/datasets'],
      ['/v1/domo/exports?dataset=claims_extract&limit=5', '/v1/domo/exports?dataset=claims_extract&limit=5&offset=0'],
      [`/v1/domo/exports/${exportId}`, `/v1/domo/exports/${exportId}`],
      [`/v1/domo/exports/${exportId}/gate-failures`, `/v1/domo/exports/${exportId}/gate-failures`],
      ['/v1/domo/comparisons?offset=2', '/v1/domo/comparisons?limit=50&offset=2'],
      [`/v1/domo/comparisons/${comparisonId}`, `/v1/domo/comparisons/${comparisonId}`],
      [
        `/v1/domo/comparisons/${comparisonId}/differences?reason=timing&material=false`,
        `/v1/domo/comparisons/${comparisonId}/differences?reason=timing&material=false&limit=100&offset=0`,
      ],
    ];
    for (const [path, forwarded] of reads) {
      const before = calls.length;
      const answer = await call(path, reader);
      expect([path, answer.status, answer.body.echo]).toEqual([path, 200, forwarded]);
      expect(calls.length).toBe(before + 1);
      expect(calls.at(-1)?.identity).toMatchObject({ subject: 'domo-reader', clientIds: '*' });
    }
    // A scoped caller is answered by the service as if nothing existed.
    const scoped = await call('/v1/domo/datasets', await bearer('operator', ['client-a']));
    expect([scoped.status, scoped.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses malformed ids, filters and packet names with 400 before the service sees them', async () => {
    const reader = await bearer('reader', '*');
    const before = calls.length;
    for (const path of [
      '/v1/domo/exports/dex-nothex',
      `/v1/domo/exports/${encodeURIComponent('../../etc/passwd')}/gate-failures`,
      '/v1/domo/exports?dataset=secrets',
      '/v1/domo/comparisons?limit=100000',
      `/v1/domo/comparisons/${comparisonId}/differences?reason=because`,
      `/v1/domo/comparisons/${comparisonId}/differences?material=maybe`,
      `/v1/domo/comparisons/${comparisonId}/artifacts/${encodeURIComponent('../packet.json')}`,
      `/v1/domo/comparisons/${comparisonId}/artifacts/run-inputs.json`,
    ]) {
      const answer = await call(path, reader);
      expect([path, answer.status, answer.headers.get('content-type')]).toEqual([path, 400, expect.stringContaining('application/problem+json')]);
    }
    expect(calls.length).toBe(before);
  });

  it('streams a packet file through with its content headers only', async () => {
    const answer = await call(`/v1/domo/comparisons/${comparisonId}/artifacts/packet.pdf`, await bearer('analyst', '*'));
    expect([answer.status, answer.headers.get('content-type'), answer.headers.get('x-internal')]).toEqual([200, 'application/pdf', null]);
    expect(Buffer.compare(answer.body, packetPdf)).toBe(0);
    expect(calls.at(-1)?.url).toBe(`/v1/domo/comparisons/${comparisonId}/packet.pdf`);
  });

  it('lets only an operator of every client start an ingest or a comparison; sign-off needs an operator', async () => {
    const before = calls.length;
    for (const headers of [await bearer('analyst', '*'), await bearer('operator', ['client-a'])]) {
      for (const path of ['/v1/domo/ingest', '/v1/domo/comparisons']) {
        const refused = await call(path, headers, { method: 'POST', body: '{}' });
        expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'FORBIDDEN']);
      }
    }
    const signOff = `/v1/domo/comparisons/${comparisonId}/sign-off`;
    expect((await call(signOff, await bearer('analyst', '*'), { method: 'POST', body: JSON.stringify({ decision: 'approved' }) })).status).toBe(403);
    expect(calls.length).toBe(before);

    const operator = await bearer('operator', '*', 'domo-operator');
    expect((await call('/v1/domo/ingest', operator, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await call('/v1/domo/comparisons', operator, { method: 'POST', body: '{}' })).status).toBe(201);
    expect((await call(signOff, operator, { method: 'POST', body: JSON.stringify({ decision: 'maybe' }) })).status).toBe(400);
    const signed = await call(signOff, operator, { method: 'POST', body: JSON.stringify({ decision: 'rejected', note: 'the late batch' }) });
    expect(signed.status).toBe(200);
    expect(calls.slice(before).map((c) => `${c.method} ${c.url} ${c.body}`)).toEqual([
      'POST /v1/domo/ingest {}',
      'POST /v1/domo/comparisons {}',
      `POST ${signOff} {"decision":"rejected","note":"the late batch"}`,
    ]);
    expect(calls.at(-1)?.identity).toMatchObject({ subject: 'domo-operator', roles: ['operator'] });
  });

  it('offers read-only MCP tools over the takeover, answering a scoped caller NOT_FOUND without asking the service', async () => {
    const connect = async (headers: Record<string, string>) => {
      const client = new Client({ name: 'domo-spec', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
      return client;
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const parsed = (result: any) => JSON.parse(result.content[0].text);
    const all = await connect(await bearer('analyst', '*', 'domo-mcp'));
    const tools = (await all.listTools()).tools.filter((t) => t.name.includes('domo'));
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_domo_comparison',
      'get_domo_gate_failures',
      'list_domo_comparisons',
      'list_domo_datasets',
      'list_domo_differences',
      'list_domo_exports',
    ]);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const page = await all.callTool({ name: 'list_domo_differences', arguments: { comparisonId, reason: 'rounding', material: true, limit: 10 } });
    expect(parsed(page).echo).toBe(`/v1/domo/comparisons/${comparisonId}/differences?reason=rounding&material=true&limit=10&offset=0`);
    expect(parsed(await all.callTool({ name: 'get_domo_gate_failures', arguments: { exportId } })).echo).toBe(`/v1/domo/exports/${exportId}/gate-failures`);
    const invalid = await all.callTool({ name: 'get_domo_comparison', arguments: { comparisonId: '../x' } });
    expect(invalid.isError).toBe(true);
    await all.close();

    const before = calls.length;
    const scoped = await connect(await bearer('operator', ['client-a'], 'domo-mcp-scoped'));
    const hidden = await scoped.callTool({ name: 'list_domo_comparisons', arguments: {} });
    expect([hidden.isError, parsed(hidden).code]).toEqual([true, 'NOT_FOUND']);
    await scoped.close();
    expect(calls.length).toBe(before);
    const audit = log.lines().filter((l) => String(l['msg']).startsWith('mcp tool call') && String(l['msg']).includes('domo'));
    expect(audit.map((l) => / tool=(\S+) .* outcome=(\S+)/.exec(String(l['msg']))?.slice(1).join(':'))).toEqual([
      'list_domo_differences:ok',
      'get_domo_gate_failures:ok',
      'list_domo_comparisons:not-found',
    ]);
  });
});
