import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Identity } from '@leaf/contracts';
import { CURATED_PUBLICATION, domoTakeoverMigrations } from '@leaf/domo-takeover/data-access';
import { FakeDomoServer, RecordingCuratedPublication } from '@leaf/domo-takeover/data-access/testing';
import { outboxMigrations } from '@leaf/messaging';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed, generateSyntheticDomo, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client as PgClient } from 'pg';
import { domoTakeoverService } from './domo-takeover.service';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const seed = createSyntheticSeed({ seed: 3, claims: 3000, clients: 5, months: 3 });

describe.each(testDatabaseTargets())('domo-takeover service against a local Domo API on $name', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let domo: FakeDomoServer;
  let base: string;
  let pg: PgClient;
  const logs = captureLogger('domo-takeover');
  const responses: string[] = [];
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-domo-lake-'));
  const operator = { clientIds: '*' as const, roles: ['operator' as const] };
  const reader = { clientIds: '*' as const, roles: ['reader' as const] };
  const scoped = { clientIds: [seed.clients[0]?.clientId ?? ''], roles: ['admin' as const] };
  // The service as defined, its curated publication replaced by the port's fake (the wiring under test).
  const publication = new RecordingCuratedPublication();
  const service = {
    ...domoTakeoverService,
    rootModule: (config: Parameters<typeof domoTakeoverService.rootModule>[0]) => {
      const module = domoTakeoverService.rootModule(config);
      return { ...module, providers: [...(module.providers ?? []), { provide: CURATED_PUBLICATION, useValue: publication }] };
    },
  };

  const call = async (
    method: string,
    path: string,
    identity: Partial<Identity> & Pick<Identity, 'clientIds'> = operator,
    body?: unknown,
  ): Promise<{ status: number; body: Json; headers: Headers; bytes: Buffer }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...identityHeaders(identity), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = res.headers.get('content-type')?.includes('json') ? bytes.toString() : '';
    responses.push(JSON.stringify(Object.fromEntries(res.headers)), text);
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers, bytes };
  };

  beforeAll(async () => {
    db = await create();
    const ds = createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...domoTakeoverMigrations.postgres] },
    );
    await ds.initialize();
    await runMigrations(ds);
    await ds.destroy();
    await loadSeedIntoPostgres(db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url }, seed);
    const synthetic = generateSyntheticDomo(seed);
    domo = await new FakeDomoServer(
      [synthetic.claimsExtract, synthetic.savings].map((e) => ({
        id: e.metadata.id,
        name: e.metadata.name,
        columns: e.metadata.schema.columns,
        // The fake adds the header itself.
        csv: e.csv.slice(e.csv.indexOf('\n') + 1),
        dataCurrentAt: e.metadata.dataCurrentAt,
      })),
    ).start();
    // One 429 on the first export: the ingest on start waits it out.
    domo.fail({ path: /\/data$/, status: 429, retryAfter: '0' });
    const config = loadServiceConfig(domoTakeoverService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${lakeDir}`,
      PORT: '0',
      LEAF_DOMO_SOURCE: 'api',
      LEAF_DOMO_API_BASE_URL: domo.url,
      LEAF_DOMO_CLIENT_ID: domo.credentials.clientId,
      LEAF_DOMO_CLIENT_SECRET: domo.credentials.clientSecret,
      LEAF_DOMO_INGEST_ON_START: 'true',
    });
    app = await startServiceApp(service, config, logs.logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    // Starting PGlite and the service on a loaded shared machine can take most of a minute.
  }, 180_000);
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await domo?.stop();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('ingested on start; lists datasets, exports and gate failures with samples', async () => {
    const datasets = await call('GET', '/v1/domo/datasets', reader);
    expect(datasets.status).toBe(200);
    const savings = datasets.body.items.find((d: Json) => d.dataset === 'savings_by_client_month');
    expect(savings.promotedExportId).toMatch(/^dex-/);
    expect(datasets.body.items.find((d: Json) => d.dataset === 'claims_extract').promotedExportId).toBeNull();

    const exports = await call('GET', '/v1/domo/exports?dataset=claims_extract', reader);
    expect(exports.body.items).toHaveLength(1);
    const extract = exports.body.items[0];
    expect(extract).toMatchObject({ status: 'blocked', reason: expect.stringContaining('claim_id.unique') });
    expect(JSON.stringify(extract)).not.toMatch(/lake|sha256\/|\/tmp/);

    const failures = await call('GET', `/v1/domo/exports/${extract.exportId}/gate-failures`, reader);
    expect(failures.body.items.map((g: Json) => `${g.gateId}:${g.status}`)).toEqual(
      expect.arrayContaining(['claim_id.unique:fail', 'channel.not_null:warn', 'fill_date.freshness:warn']),
    );
    expect(failures.body.items.find((g: Json) => g.gateId === 'claim_id.unique').samples.length).toBeGreaterThan(0);
  });

  it('compares, pages differences by reason, serves the packet, announces it and takes one sign-off', async () => {
    expect((await call('POST', '/v1/domo/comparisons', reader)).status).toBe(403);
    // Ingest on start compares nothing unless asked (LEAF_DOMO_COMPARE_ON_START), so nothing was published yet.
    expect(publication.published).toEqual([]);
    const created = await call('POST', '/v1/domo/comparisons');
    expect(created.status).toBe(201);
    const c = created.body;
    // The comparison published the model it compared.
    expect(publication.published).toEqual([c.model]);
    expect(c.summary.byReason.unexplained.count).toBe(0);
    expect(c.summary.differences).toBeGreaterThan(0);

    const timing = await call('GET', `/v1/domo/comparisons/${c.comparisonId}/differences?reason=timing&limit=2`, reader);
    expect(timing.body.total).toBe(c.summary.byReason.timing.count);
    expect(timing.body.items).toHaveLength(2);
    expect(timing.body.items.every((d: Json) => d.reason === 'timing')).toBe(true);
    expect((await call('GET', `/v1/domo/comparisons/${c.comparisonId}/differences?reason=guess`, reader)).status).toBe(400);

    const xlsx = await call('GET', `/v1/domo/comparisons/${c.comparisonId}/packet.xlsx`, reader);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe(`attachment; filename="domo-comparison-${c.comparisonId}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Differences')?.rowCount).toBe(c.summary.differences + 1);
    const pdf = await call('GET', `/v1/domo/comparisons/${c.comparisonId}/packet.pdf`, reader);
    expect([pdf.status, pdf.headers.get('content-type'), pdf.bytes.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-']);
    expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(c.packet.pdfSha256);

    const outbox = await pg.query(`SELECT entity, body FROM outbox_messages WHERE entity = 'domo.comparison-completed.v1'`);
    expect(outbox.rows.map((r) => JSON.parse(r.body).comparisonId)).toEqual([c.comparisonId]);

    const signed = await call('POST', `/v1/domo/comparisons/${c.comparisonId}/sign-off`, operator, { decision: 'approved' });
    expect(signed.status).toBe(200);
    expect(signed.body.signOff).toMatchObject({ decision: 'approved', note: null });
    expect((await call('POST', `/v1/domo/comparisons/${c.comparisonId}/sign-off`, operator, { decision: 'rejected' })).status).toBe(409);
    expect((await call('POST', `/v1/domo/comparisons/${c.comparisonId}/sign-off`, operator, { decision: 'maybe' })).status).toBe(400);
  });

  it('fails a comparison whose publication fails with a problem, keeps the comparison as evidence, and publishes again on the next', async () => {
    const before = (await call('GET', '/v1/domo/comparisons?limit=200', reader)).body.items.length;
    publication.failNext(new Error('Azure SQL unreachable'));
    const failed = await call('POST', '/v1/domo/comparisons');
    expect([failed.status, failed.headers.get('content-type')]).toEqual([500, expect.stringContaining('application/problem+json')]);
    expect(JSON.stringify(failed.body)).not.toContain('Azure SQL unreachable');
    expect((await call('GET', '/v1/domo/comparisons?limit=200', reader)).body.items.length).toBe(before + 1);
    const again = await call('POST', '/v1/domo/comparisons');
    expect(again.status).toBe(201);
    expect(publication.published).toEqual([again.body.model, again.body.model]);
  });

  it('answers a client-scoped caller 404 and an unknown comparison 404, and never leaks the Domo secret', async () => {
    expect((await call('GET', '/v1/domo/datasets', scoped)).status).toBe(404);
    expect((await call('GET', '/v1/domo/comparisons', scoped)).status).toBe(404);
    // The lane worker runs a round as an operator of the task's client: allowed, reasons withheld.
    const round = await call('POST', '/v1/domo/ingest', { clientIds: [seed.clients[0]?.clientId ?? ''], roles: ['operator'] });
    expect(round.status).toBe(200);
    expect(round.body.exports.map((e: Json) => [e.replayed, e.reason])).toEqual([
      [true, null],
      [true, null],
    ]);
    const missing = await call('GET', `/v1/domo/comparisons/dcm-${'0'.repeat(24)}`, reader);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const everything = [...responses, ...logs.lines().map((l) => JSON.stringify(l))].join('\n');
    expect(everything).not.toContain(domo.credentials.clientSecret);
    expect(everything).not.toContain('fake-access-token');
    expect(everything).not.toContain(lakeDir);
  });
});
