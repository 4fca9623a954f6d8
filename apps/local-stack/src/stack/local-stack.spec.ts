import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { serviceNames, type Role } from '@leaf/contracts';
import { startLocalStack, type LocalStack } from './start-local-stack';

/**
 * The one-command stack, end to end: eight services on an embedded database seeded with
 * synthetic claims, reached through the gateway only.
 */
describe('local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-stack-'));
  const env = {
    // Lake, packets and dev issuer follow the data dir (no LEAF_LAKE_URL needed).
    LEAF_DATA_DIR: dataDir,
    LEAF_SEED_CLAIMS: '4000',
    LEAF_PORT_OFFSET: String(20_000 + (process.pid % 5_000)),
    LOG_LEVEL: 'warn',
  };
  let stack: LocalStack;
  // Tokens of the stack's dev issuer, as `npm run token -- --data-dir <dataDir>` mints them.
  const bearer = async (role: Role, clients: string[] | '*', subject = `e2e-${role}`) => ({
    authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dataDir, 'dev-issuer')), { subject, roles: [role], clients })}`,
  });
  let caller: Record<string, string>;

  beforeAll(async () => {
    stack = await startLocalStack(env);
    caller = await bearer('operator', '*');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.gatewayUrl}${path}`, { headers: { ...caller, ...headers } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async (path: string): Promise<any> => (await get(path)).json();

  it('reports every one of the eight services ready through the gateway', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      services: Array<{ service: string; report: { status: string; checks: Array<{ name: string; status: string }> } }>;
    };
    expect(body.status).toBe('ready');
    expect(body.services.map((s) => s.service).sort()).toEqual([...serviceNames].sort());
    expect(body.services.every((s) => s.report.status === 'ready')).toBe(true);
    // Readiness is real: each service checked its database and made a round trip to the bus.
    for (const s of body.services) {
      expect(s.report.checks.map((c) => `${c.name}:${c.status}`).sort()).toEqual(['bus:up', 'database:up']);
    }
  });

  it('serves the OpenAPI 3.1 document and its UI', async () => {
    expect((await get('/docs')).status).toBe(200);
    const doc = await json('/docs/json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/v1/clients', '/v1/clients/{clientId}/claims/summary']));
  });

  it('serves seeded clients, guarantees with evidence and a claims summary that adds up', async () => {
    const clients = await json('/v1/clients');
    expect(clients.items.length).toBeGreaterThanOrEqual(3);
    const clientId = clients.items[0].clientId as string;

    const guarantees = await json(`/v1/clients/${clientId}/guarantees`);
    expect(guarantees.items.length).toBeGreaterThan(10);
    // A seeded cell, or (once the packets synced at start are promoted) the packet's cell or page.
    expect(guarantees.items[0].evidence.locator).toMatch(/Rates!|^p\d+$/);

    const summary = await json(`/v1/clients/${clientId}/claims/summary`);
    const cents = (m: string) => BigInt(m.replace('.', ''));
    const awpSum = summary.buckets.reduce((s: bigint, b: { awp: string }) => s + cents(b.awp), 0n);
    expect(cents(summary.totals.awp)).toBe(awpSum);
    expect(summary.totals.claimCount).toBeGreaterThan(0);
  });

  it('turns bad input into problem+json and carries the request id to the owning service', async () => {
    const missing = await get('/v1/clients/no-such-client/claims/summary', { 'x-request-id': 'e2e-req-1' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    // The 404 is decided by claims-runtime; its instance shows the gateway's request id arrived there.
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', instance: 'urn:leaf:request:e2e-req-1' });

    const badDate = await get('/v1/clients/no-such-client/claims/summary?from=2025-02-30');
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { errors: Array<{ path: string }> }).errors[0].path).toBe('from');
  });

  it('refuses callers without a token and shows a client-scoped token only its own client', async () => {
    const anonymous = await fetch(`${stack.gatewayUrl}/v1/clients`);
    expect([anonymous.status, ((await anonymous.json()) as { code: string }).code]).toEqual([401, 'UNAUTHENTICATED']);
    const all = (await json('/v1/clients')).items.map((c: { clientId: string }) => c.clientId) as string[];
    const [clientA, clientB] = all;
    const tokenB = await bearer('analyst', [clientB], 'analyst-of-b');
    const seen = (await (await get('/v1/clients', tokenB)).json()) as { items: Array<{ clientId: string }> };
    expect(seen.items.map((c) => c.clientId)).toEqual([clientB]);
    for (const path of [`/v1/clients/${clientA}/guarantees`, `/v1/clients/${clientA}/claims/summary`]) {
      const res = await get(path, tokenB);
      expect([path, res.status, ((await res.json()) as { code: string }).code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect((await get(`/v1/clients/${clientB}/guarantees`, tokenB)).status).toBe(200);
    // Packets and tasks behind the gateway are scoped the same way.
    const everyPacket = (await json('/v1/packets?limit=200')) as { items: Array<{ clientId: string }> };
    expect(everyPacket.items.some((p) => p.clientId !== clientB)).toBe(true);
    const packetsOfB = (await (await get('/v1/packets?limit=200', tokenB)).json()) as { items: Array<{ clientId: string }>; nextLink: string | null };
    expect(packetsOfB.items.every((p) => p.clientId === clientB)).toBe(true);
    expect((await get(`/v1/packets?clientId=${clientA}`, tokenB)).status).toBe(404);
    expect((await get(`/v1/tasks?clientId=${clientA}`, tokenB)).status).toBe(404);
    expect((await get('/v1/tasks', tokenB)).status).toBe(200);
  });

  it("starts a reconciliation with a minted token and downloads its workbook; another client's token sees neither", async () => {
    const clients = (await json('/v1/clients')).items as Array<{ clientId: string; periods: Array<{ periodId: string }> }>;
    const [a, b] = clients;
    const tokenA = await bearer('analyst', [a.clientId], 'analyst-of-a');
    const start = () =>
      fetch(`${stack.gatewayUrl}/v1/clients/${a.clientId}/reconciliations`, {
        method: 'POST',
        headers: { ...tokenA, 'content-type': 'application/json', 'idempotency-key': 'e2e-start-0001' },
        body: JSON.stringify({ periodId: a.periods[0].periodId }),
      });
    const started = await start();
    expect(started.status).toBe(202);
    const run = (await started.json()) as { runId: string };
    // A retry with the same key is the same run, not a second one.
    const retried = await start();
    expect([retried.status, retried.headers.get('idempotent-replayed'), ((await retried.json()) as { runId: string }).runId]).toEqual([202, 'true', run.runId]);
    const runPath = `/v1/clients/${a.clientId}/reconciliations/${run.runId}`;
    expect(started.headers.get('location')).toBe(runPath);
    let status = '';
    for (let i = 0; i < 300 && !['succeeded', 'failed'].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ((await (await get(runPath, tokenA)).json()) as { status: string }).status;
    }
    expect(status).toBe('succeeded');
    const workbook = await get(`${runPath}/artifacts/reconciliation.xlsx`, tokenA);
    expect(workbook.status).toBe(200);
    expect(workbook.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = Buffer.from(await workbook.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');

    const tokenB = await bearer('operator', [b.clientId], 'operator-of-b');
    for (const path of [runPath, `${runPath}/findings`, `${runPath}/artifacts/reconciliation.xlsx`]) {
      const res = await get(path, tokenB);
      expect([path, res.status]).toEqual([path, 404]);
    }
  }, 60_000);

  it('syncs the synthetic packets at start and promotes their terms into the guarantees the reconciliation reads', async () => {
    const clientId = (await json('/v1/clients')).items[0].clientId as string;
    const promoted = async () => {
      const res = await get(`/v1/clients/${clientId}/guarantees`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Array<{ version: number; evidence: { sourceSystem: string } }> };
      return body.items.filter((g) => g.evidence.sourceSystem === 'contract-packet');
    };
    let terms = await promoted();
    for (let i = 0; i < 60 && terms.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      terms = await promoted();
    }
    expect(terms.length).toBeGreaterThan(10);
    expect(terms[0].version).toBeGreaterThanOrEqual(2);
    expect(terms[0].evidence).toEqual({
      sourceSystem: 'contract-packet',
      objectId: expect.stringMatching(/^pkt-[a-f0-9]{24}$/),
      sha256: expect.stringMatching(/^[a-f0-9]{64}$/),
      locator: expect.stringMatching(/^(Rates!D\d+|p2)$/),
    });

    // A reconciliation now holds the client to the promoted terms: each bucket cites the packet and its cell or page.
    const periodId = (await json('/v1/clients')).items[0].periods[0].periodId as string;
    const started = await fetch(`${stack.gatewayUrl}/v1/clients/${clientId}/reconciliations`, {
      method: 'POST',
      headers: { ...caller, 'content-type': 'application/json', 'idempotency-key': 'e2e-packets-0001' },
      body: JSON.stringify({ periodId }),
    });
    expect(started.status).toBe(202);
    const runPath = started.headers.get('location') as string;
    let run: { status: string; buckets?: Array<{ evidence: { sourceSystem: string; objectId: string; locator: string } }> } = { status: '' };
    for (let i = 0; i < 300 && !['succeeded', 'failed'].includes(run.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await json(runPath);
    }
    expect(run.status).toBe('succeeded');
    expect(run.buckets?.length).toBeGreaterThan(0);
    expect(
      run.buckets?.every(
        (b) => b.evidence.sourceSystem === 'contract-packet' && /^pkt-/.test(b.evidence.objectId) && /^(Rates!D\d+|p2)$/.test(b.evidence.locator),
      ),
    ).toBe(true);
  }, 60_000);

  it('mirrors its own synthetic Salesforce org at start, with no settings: requests with history, files and feed, completeness clean', async () => {
    const list = (await json('/v1/salesforce/requests?limit=200')) as { items: Array<{ requestId: string; clientId: string; name: string }> };
    expect(list.items).toHaveLength(60);
    // The org's requests belong to the stack's seeded clients, so scoped callers see theirs.
    const clients = new Set(((await json('/v1/clients')).items as Array<{ clientId: string }>).map((c) => c.clientId));
    expect(list.items.every((r) => clients.has(r.clientId))).toBe(true);
    expect(list.items.map((r) => r.name)).toContain('ITR-00001');
    const details = await Promise.all(list.items.slice(0, 20).map((r) => json(`/v1/salesforce/requests/${r.requestId}`)));
    expect(details.some((d) => d.history.length > 0)).toBe(true);
    expect(details.some((d) => d.feed.length > 0)).toBe(true);
    const withFile = details.find((d) => d.files.some((f: { downloadable: boolean }) => f.downloadable));
    const file = withFile.files.find((f: { downloadable: boolean }) => f.downloadable) as { contentVersionId: string };
    const download = await get(`/v1/salesforce/requests/${withFile.requestId}/files/${file.contentVersionId}`);
    expect([
      download.status,
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ]).toEqual([200, '%PDF-']);
    const completeness = (await json('/v1/salesforce/completeness')) as { items: Array<{ clean: boolean }> };
    expect(completeness.items[0].clean).toBe(true);
  });

  it('keeps its data across a restart without seeding again', async () => {
    const before = await json('/v1/clients');
    await stack.stop();
    stack = await startLocalStack(env);
    expect(await json('/v1/clients')).toEqual(before);
    // The same org again: the restart's incremental sync keeps the mirror as it was.
    expect((await json('/v1/salesforce/requests?limit=200')).items).toHaveLength(60);
  }, 120_000);
});
