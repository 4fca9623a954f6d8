import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickXorHash } from '@leaf/contract-packets/domain';
import type { Identity } from '@leaf/contracts';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { migrationsOf, startTelemetry, type Telemetry } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import {
  createSyntheticSeed,
  generateContractPackets,
  loadSeedIntoPostgres,
  rateSchedulePdf,
  rateScheduleXlsx,
  scheduleRows,
  type SyntheticPacket,
} from '@leaf/synthetic-data';
import { FakeGraphServer, startServiceUnderTest } from '@leaf/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Client as PgClient } from 'pg';
import { contractPacketsService } from './contract-packets.service';

const seed = createSyntheticSeed({ seed: 11, claims: 200, clients: 4, months: 24 });
const folder = 'Contract packets';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe.each(testDatabaseTargets())('contract-packets against the fake Graph server on $name', ({ create }) => {
  let db: TestDatabase;
  let graph: FakeGraphServer;
  let telemetry: Telemetry;
  let pg: PgClient;
  let base: string;
  let stop: (() => Promise<void>) | undefined;
  let packets: SyntheticPacket[];
  let heldBack: SyntheticPacket;
  const spans = new InMemorySpanExporter();
  const logs = captureLogger('contract-packets');
  const responses: string[] = [];
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-packets-lake-'));
  const [clientA, clientB] = seed.clients.map((c) => c.clientId);
  const groupedGuaranteeId = seed.contractGuarantees.find(
    (g) => g.clientId === clientA && g.metric === 'awp_discount' && g.drugType === 'generic',
  )!.guaranteeId;
  const operator = { clientIds: '*' as const, roles: ['operator' as const] };

  const call = async (
    method: string,
    path: string,
    identity: Partial<Identity> & Pick<Identity, 'clientIds'> = operator,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...identityHeaders(identity), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    responses.push(JSON.stringify(Object.fromEntries(res.headers)), text);
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const sync = () => call('POST', '/v1/packets/sync');
  const allPackets = async (identity: Partial<Identity> & Pick<Identity, 'clientIds'> = operator): Promise<Json[]> => {
    const items: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Json } = await call('GET', `/v1/packets?limit=4${cursor ? `&cursor=${cursor}` : ''}`, identity);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };
  const byName = async (clientId: string, name: string) => (await allPackets()).find((p) => p.clientId === clientId && p.name === name);
  const guaranteeRows = async (where = '') =>
    (
      await pg.query(
        `SELECT guarantee_id, version, guaranteed_value::text AS value, evidence_source, evidence_object_id, evidence_sha256, evidence_locator FROM contract_guarantees ${where} ORDER BY guarantee_id, version`,
      )
    ).rows;
  const put = (p: { clientId: string; name: string; bytes: Buffer }) => graph.putFile(`${folder}/${p.clientId}/${p.name}`, p.bytes, quickXorHash(p.bytes));

  beforeAll(async () => {
    db = await create();
    const ds = createDataSource({ kind: 'postgres', url: db.url }, { migrations: migrationsOf([contractPacketsService]) });
    await ds.initialize();
    await runMigrations(ds);
    await ds.destroy();
    await loadSeedIntoPostgres(db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url }, seed);
    // claims-runtime's migrations add offset_group and finding_overlap to contract_guarantees; a promotion must keep them.
    const setup = new PgClient({ connectionString: db.url });
    await setup.connect();
    await setup.query(`ALTER TABLE contract_guarantees ADD COLUMN offset_group VARCHAR(32) NULL`);
    await setup.query(`ALTER TABLE contract_guarantees ADD COLUMN finding_overlap VARCHAR(8) NULL`);
    await setup.query(`UPDATE contract_guarantees SET offset_group = 'generic-pool', finding_overlap = 'keep' WHERE guarantee_id = $1`, [groupedGuaranteeId]);
    await setup.end();
    graph = await FakeGraphServer.start({ pageSize: 3 });
    const all = await generateContractPackets(seed);
    // One period's schedule waits for the same-round conflict test.
    heldBack = all.find((p) => p.kind === 'rate-schedule' && p.clientId === seed.clients[2].clientId)!;
    packets = all.filter((p) => p !== heldBack);
    for (const p of packets) put(p);
    telemetry = startTelemetry({ serviceName: 'contract-packets', mode: 'none', spanExporter: spans });
    ({ base, pg, stop } = await startServiceUnderTest(contractPacketsService, {
      databaseUrl: db.url,
      lakeDir,
      logger: logs.logger,
      env: {
        LEAF_PACKETS_SOURCE: 'graph',
        LEAF_GRAPH_TENANT_ID: graph.tenantId,
        LEAF_GRAPH_CLIENT_ID: graph.clientId,
        LEAF_GRAPH_CLIENT_SECRET: graph.clientSecret,
        LEAF_GRAPH_DRIVE_ID: graph.driveId,
        LEAF_GRAPH_BASE_URL: graph.graphBaseUrl,
        LEAF_GRAPH_AUTHORITY_HOST: graph.url,
      },
    }));
  });
  afterAll(async () => {
    await stop?.();
    await telemetry?.shutdown();
    await graph?.stop();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('syncs every packet: schedules and amendments promoted as new guarantee versions citing packet, hash and cell; the damaged scan rejected', async () => {
    const { status, body } = await sync();
    expect(status).toBe(202);
    const good = packets.filter((p) => p.kind !== 'malformed');
    expect(body).toMatchObject({ full: true, seen: packets.length, promoted: good.length, rejected: 1, review: 0 });

    const damaged = await byName(clientA, packets.find((p) => p.kind === 'malformed')!.name);
    expect(damaged).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^unreadable: the PDF cannot be read/) });

    const rows = await guaranteeRows();
    for (const p of good.filter((x) => x.kind === 'rate-schedule')) {
      const packet = await byName(p.clientId, p.name);
      expect(packet).toMatchObject({ status: 'promoted', periodId: p.periodId, kind: 'rate-schedule' });
      for (const g of seed.contractGuarantees.filter((x) => x.periodId === p.periodId)) {
        const v2 = rows.find((r) => r.guarantee_id === g.guaranteeId && r.version === 2);
        expect(v2).toMatchObject({ evidence_source: 'contract-packet', evidence_object_id: packet.packetId, evidence_sha256: packet.sha256 });
        expect(Number(v2.value)).toBe(Number(g.guaranteedValue));
        expect(v2.evidence_locator).toMatch(p.name.endsWith('.xlsx') ? /^Rates!D\d+$/ : /^p2$/);
      }
    }
    for (const p of good.filter((x) => x.kind === 'amendment')) {
      const packet = await byName(p.clientId, p.name);
      const [[guaranteeId, value]] = Object.entries(p.amended!);
      const latest = rows.filter((r) => r.guarantee_id === guaranteeId).at(-1);
      expect(latest).toMatchObject({ version: 3, evidence_object_id: packet.packetId, evidence_locator: 'p2' });
      expect(Number(latest.value)).toBe(Number(value));
    }

    const grouped = (
      await pg.query(`SELECT version, offset_group, finding_overlap FROM contract_guarantees WHERE guarantee_id = $1 ORDER BY version`, [groupedGuaranteeId])
    ).rows;
    expect(grouped).toEqual([
      { version: 1, offset_group: 'generic-pool', finding_overlap: 'keep' },
      { version: 2, offset_group: 'generic-pool', finding_overlap: 'keep' },
    ]);

    const outbox = (await pg.query(`SELECT entity, body FROM outbox_messages ORDER BY outbox_id`)).rows;
    expect(outbox.filter((m) => m.entity === 'contracts.packet-promoted.v1')).toHaveLength(good.length);
    expect(outbox.filter((m) => m.entity === 'contracts.search-documents.v1')).toHaveLength(good.length);
    const state = (await pg.query(`SELECT delta_cursor FROM contract_packet_source_state`)).rows;
    expect(state).toHaveLength(1);
    expect(JSON.parse(state[0].delta_cursor).deltaLink).toMatch(new RegExp(`^${graph.graphBaseUrl.replace(/[.]/g, '\\.')}/drives/.+/root/delta\\?token=`));
  });

  it('pages the registry and shows each term with its evidence', async () => {
    const first = await call('GET', '/v1/packets?limit=4');
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextCursor).toBe(first.body.items[3].packetId);
    expect(await allPackets()).toHaveLength(packets.length);
    const xlsx = packets.find((p) => p.kind === 'rate-schedule' && p.name.endsWith('.xlsx'))!;
    const packet = await byName(xlsx.clientId, xlsx.name);
    const terms = await call('GET', `/v1/packets/${packet.packetId}/terms`);
    expect(terms.status).toBe(200);
    expect(terms.body.items.length).toBeGreaterThanOrEqual(15);
    expect(terms.body.items[0]).toMatchObject({
      metric: 'awp_discount',
      channel: 'retail30',
      drugType: 'brand',
      evidence: { sourceSystem: 'contract-packet', objectId: packet.packetId, sha256: packet.sha256, locator: 'Rates!D7' },
    });
    const detail = await call('GET', `/v1/packets/${packet.packetId}`);
    expect(detail.body).toMatchObject({ status: 'promoted', versions: [{ version: 1, status: 'promoted' }], conflicts: [] });
    expect((await call('GET', '/v1/packets?limit=0')).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it("answers 404 for another client's packet and lists only the caller's clients", async () => {
    const scoped = { clientIds: [clientA] };
    const mine = await allPackets(scoped);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.clientId === clientA)).toBe(true);
    const theirs = (await allPackets()).find((p) => p.clientId === clientB);
    for (const path of [`/v1/packets/${theirs.packetId}`, `/v1/packets/${theirs.packetId}/terms`, `/v1/packets?clientId=${clientB}`]) {
      const res = await call('GET', path, scoped);
      expect(res).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    }
    expect((await call('POST', `/v1/packets/${theirs.packetId}/approve`, { clientIds: [clientA], roles: ['operator'] })).status).toBe(404);
    // The contracts.sync task names its client: another client's is a 404, a reader may not sync at all.
    expect((await call('POST', '/v1/packets/sync', { clientIds: [clientA], roles: ['operator'] }, { clientId: clientB })).status).toBe(404);
    expect((await call('POST', '/v1/packets/sync', { clientIds: [clientA] }, { clientId: clientA })).status).toBe(403);
    expect((await call('POST', '/v1/packets/sync', { clientIds: [clientA], roles: ['operator'] }, { clientId: clientA })).body).toMatchObject({
      clientId: clientA,
      seen: 0,
    });
  });

  it('rejects an encrypted PDF, a workbook without a rate table, a discount above 100% and a tampered download, with reasons, promoting nothing', async () => {
    const period = seed.contractPeriods.find((p) => p.clientId === clientB)!;
    const header = { title: 'Rate schedule', document: 'Rate Schedule', period };
    const rows = scheduleRows(seed.contractGuarantees.filter((g) => g.periodId === period.periodId));
    const impossible = rows.map((r, i) => (i === 0 ? ([r[0], r[1], r[2], 'AWP-105%', r[4]] as const) : r));
    const bad = [
      { name: 'locked.pdf', bytes: await rateSchedulePdf(header, rows, { userPassword: 'pw', ownerPassword: 'owner' }), reason: /^encrypted: / },
      { name: 'no table.xlsx', bytes: await rateScheduleXlsx(header, []), reason: /^rate-table-missing: / },
      { name: 'impossible.xlsx', bytes: await rateScheduleXlsx(header, impossible), reason: /^out-of-range: .*above 0% and at most 100% \(Rates!D7\)/ },
    ];
    for (const b of bad) put({ clientId: clientB, ...b });
    const good = await rateScheduleXlsx(header, rows);
    const tampered = put({ clientId: clientB, name: 'tampered.xlsx', bytes: good });
    graph.tamper(tampered.id, Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1] ^ 1])]));
    const before = await guaranteeRows();
    graph.failNext('delta', 429, 1);

    const { status, body } = await sync();
    expect(status).toBe(202);
    expect(body).toMatchObject({ full: false, seen: 4, rejected: 4, promoted: 0 });
    // The 429's Retry-After was waited out before the delta was asked again.
    const throttled = graph.requests.findIndex((r) => r.status === 429);
    expect(graph.requests[throttled + 1].at - graph.requests[throttled].at).toBeGreaterThanOrEqual(950);
    for (const b of bad) expect(await byName(clientB, b.name)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(b.reason) });
    expect(await byName(clientB, 'tampered.xlsx')).toMatchObject({ status: 'rejected', sha256: null, reason: expect.stringMatching(/^hash-mismatch: /) });
    expect(await guaranteeRows()).toEqual(before);
    const reject = await call('POST', `/v1/packets/${(await byName(clientB, 'locked.pdf')).packetId}/approve`);
    expect(reject).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
  });

  it('holds a re-issued schedule that contradicts promoted terms for an operator, who alone may approve it', async () => {
    const original =
      packets.find((p) => p.kind === 'rate-schedule' && p.clientId === clientB && p.name.endsWith('.xlsx')) ??
      packets.find((p) => p.kind === 'rate-schedule' && p.clientId === clientB)!;
    const period = seed.contractPeriods.find((p) => p.periodId === original.periodId)!;
    const guarantees = seed.contractGuarantees.filter((g) => g.periodId === period.periodId);
    const fee = guarantees.find((g) => g.metric === 'dispensing_fee' && g.channel === 'retail30')!;
    const changed = guarantees.map((g) => (g === fee ? { ...g, guaranteedValue: '0.35' } : g));
    const bytes = original.name.endsWith('.xlsx')
      ? await rateScheduleXlsx({ title: 'Rate schedule', document: 'Rate Schedule', period }, scheduleRows(changed))
      : await rateSchedulePdf({ title: 'Rate schedule', document: 'Rate Schedule', period }, scheduleRows(changed));
    put({ clientId: clientB, name: original.name, bytes });
    expect((await sync()).body).toMatchObject({ seen: 1, review: 1, promoted: 0 });

    const packet = await byName(clientB, original.name);
    const detail = await call('GET', `/v1/packets/${packet.packetId}`);
    expect(detail.body).toMatchObject({
      status: 'review',
      version: 2,
      conflicts: [
        { guaranteeId: fee.guaranteeId, proposed: '0.35', current: String(Number(fee.guaranteedValue).toFixed(2)).replace(/0+$/, '').replace(/\.$/, '') },
      ],
    });
    expect(detail.body.versions.map((v: Json) => v.status)).toEqual(['promoted', 'review']);
    expect((await guaranteeRows(`WHERE guarantee_id = '${fee.guaranteeId}'`)).at(-1).version).toBe(2);

    expect((await call('POST', `/v1/packets/${packet.packetId}/approve`, { clientIds: '*', roles: ['analyst'] })).status).toBe(403);
    expect((await call('POST', `/v1/packets/${packet.packetId}/reject`, operator, { reason: '' })).body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const approved = await call('POST', `/v1/packets/${packet.packetId}/approve`);
    expect(approved).toMatchObject({ status: 200, body: { status: 'promoted' } });
    const latest = (await guaranteeRows(`WHERE guarantee_id = '${fee.guaranteeId}'`)).at(-1);
    expect(latest).toMatchObject({ version: 3, evidence_object_id: packet.packetId });
    expect(Number(latest.value)).toBe(0.35);
    expect((await call('GET', `/v1/packets/${packet.packetId}`)).body.decidedBy).toBe('test-user');
  });

  it('holds the second of two schedules in one round that disagree with each other', async () => {
    const period = seed.contractPeriods.find((p) => p.periodId === heldBack.periodId)!;
    const guarantees = seed.contractGuarantees.filter((g) => g.periodId === period.periodId);
    const fee = guarantees.find((g) => g.metric === 'dispensing_fee' && g.channel === 'mail')!;
    const reissued = await rateScheduleXlsx(
      { title: 'Rate schedule', document: 'Rate Schedule', period },
      scheduleRows(guarantees.map((g) => (g === fee ? { ...g, guaranteedValue: '2.50' } : g))),
    );
    put(heldBack);
    put({ clientId: heldBack.clientId, name: 'reissued rate schedule.xlsx', bytes: reissued });
    expect((await sync()).body).toMatchObject({ seen: 2, promoted: 1, review: 1 });
    const [a, b] = [await byName(heldBack.clientId, heldBack.name), await byName(heldBack.clientId, 'reissued rate schedule.xlsx')];
    const [promoted, held] = a.status === 'promoted' ? [a, b] : [b, a];
    expect(held.status).toBe('review');
    expect((await call('GET', `/v1/packets/${held.packetId}`)).body.conflicts).toEqual([
      expect.objectContaining({ guaranteeId: fee.guaranteeId, currentObjectId: promoted.packetId }),
    ]);
  });

  it("limits a client-scoped operator's sync to its clients, and leaves the other clients' changes for a wider round", async () => {
    put({ clientId: clientA, name: 'scoped-a.pdf', bytes: Buffer.from('not a pdf') });
    put({ clientId: clientB, name: 'scoped-b.pdf', bytes: Buffer.from('not a pdf either') });
    const scoped = await call('POST', '/v1/packets/sync', { clientIds: [clientA], roles: ['operator'] });
    expect(scoped).toMatchObject({ status: 202, body: { seen: 1, rejected: 1 } });
    expect(await byName(clientA, 'scoped-a.pdf')).toMatchObject({ status: 'rejected' });
    expect(await byName(clientB, 'scoped-b.pdf')).toBeUndefined();
    // The whole-source round still finds B's file: the scoped round kept the delta cursor.
    expect((await sync()).body).toMatchObject({ seen: 2, unchanged: 1, rejected: 1 });
    expect(await byName(clientB, 'scoped-b.pdf')).toMatchObject({ status: 'rejected' });
  });

  it('records deletions, and after an expired delta link (410) re-enumerates without promoting anything twice', async () => {
    const gone = await byName(clientB, 'locked.pdf');
    graph.deleteFile((await pg.query(`SELECT item_id FROM graph_contract_packets WHERE packet_id = $1`, [gone.packetId])).rows[0].item_id);
    expect((await sync()).body).toMatchObject({ full: false, deleted: 1 });
    expect(await byName(clientB, 'locked.pdf')).toMatchObject({ status: 'deleted' });

    const versionsBefore = await guaranteeRows();
    graph.expireDeltaTokens();
    const resync = await sync();
    expect(graph.requests.some((r) => r.status === 410)).toBe(true);
    expect(resync.body).toMatchObject({ full: true, promoted: 0, deleted: 0 });
    expect(resync.body.unchanged).toBe(resync.body.seen);
    expect(await guaranteeRows()).toEqual(versionsBefore);
  });

  it('never lets the access token, a download URL, the client secret or a local path into a response, log line, span or stored row', async () => {
    const stored = [];
    for (const table of [
      'graph_contract_packets',
      'graph_contract_packet_versions',
      'contract_packet_terms',
      'contract_packet_source_state',
      'contract_guarantees',
      'outbox_messages',
    ]) {
      stored.push(JSON.stringify((await pg.query(`SELECT * FROM ${table}`)).rows));
    }
    const haystacks = {
      responses: responses.join('\n'),
      logs: JSON.stringify(logs.lines()),
      spans: JSON.stringify(spans.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status }))),
      rows: stored.join('\n'),
    };
    expect(graph.issuedTokens.length).toBeGreaterThan(0);
    expect(graph.issuedDownloadUrls.length).toBeGreaterThan(0);
    expect(spans.getFinishedSpans().some((s) => s.name === 'contract-packets.sync')).toBe(true);
    const needles = [
      ...graph.issuedTokens,
      ...graph.issuedDownloadUrls,
      ...graph.issuedDownloadUrls.map((u) => new URL(u).searchParams.get('tempauth')!),
      'tempauth',
      '/download/',
      graph.clientSecret,
      lakeDir,
      tmpdir(),
      process.cwd(),
    ];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of needles) {
        if (text.includes(needle)) throw new Error(`${where} contains a secret or path (${needle.slice(0, 12)}…)`);
      }
    }
  });
});
