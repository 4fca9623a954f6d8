import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity, SearchDocumentV1, SearchResponse, TopicName } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { DATA_SOURCE } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed, rateTableHeader, scheduleRows } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { retrievalService } from './retrieval.service';

const seed = createSyntheticSeed({ seed: 11, claims: 200, clients: 3, months: 12 });
const [alpha, bravo] = seed.clients.map((c) => c.clientId) as [string, string];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A rate schedule's text as contract-packets extracts it: title lines, then one tab-separated line per table row. */
function packetDocument(clientId: string, packetId: string, extraRow?: string[]): SearchDocumentV1 {
  const period = seed.contractPeriods.find((p) => p.clientId === clientId)!;
  const rows = scheduleRows(seed.contractGuarantees.filter((g) => g.periodId === period.periodId));
  const text = [
    `${clientId} Rate Schedule`,
    `${period.pbmName} ${period.startDate} to ${period.endDate}`,
    '',
    [rateTableHeader, ...rows, ...(extraRow ? [extraRow] : [])].map((r) => r.join('\t')).join('\n'),
  ].join('\n');
  // Exactly the body contract-packets publishes today (no new optional field).
  return {
    documentId: `contract-packet:${packetId}`,
    clientId,
    source: 'contract-packet',
    title: `${clientId} rate schedule.xlsx`,
    text,
    sha256: sha(text),
    locator: 'p1',
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe.each(testDatabaseTargets())('retrieval on $name', ({ name, create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let bus: MessageBus;
  let base: string;
  // The service's own pool: PGlite serves few connections, and this spec reads what the service wrote.
  let pg: DataSource;
  const logs = captureLogger('retrieval');
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-retrieval-'));
  const analystOf = (clientId: string): Pick<Identity, 'clientIds' | 'roles' | 'subject'> => ({
    subject: `ana@${clientId}`,
    roles: ['analyst'],
    clientIds: [clientId],
  });

  const search = async (query: string, identity: Pick<Identity, 'clientIds' | 'roles'> = analystOf(alpha)): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}/v1/search?${query}`, { headers: identityHeaders(identity) });
    return { status: res.status, body: await res.json() };
  };
  const applied = async (messageId: string) => {
    for (let i = 0; i < 300; i++) {
      const rows = (await pg.query(`SELECT 1 FROM inbox_messages WHERE consumer = 'retrieval' AND message_id = $1`, [messageId])) as unknown[];
      if (rows.length) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`message ${messageId} was not applied`);
  };
  const publish = async (
    topic: TopicName & `${string}.search-documents.v1`,
    doc: SearchDocumentV1,
    messageId = `${doc.documentId}:${doc.sha256.slice(0, 8)}:${doc.action ?? 'upsert'}`,
  ) => {
    await bus.send(topic, { messageId, body: doc });
    await applied(messageId);
  };

  beforeAll(async () => {
    db = await create();
    const config = loadServiceConfig(retrievalService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_DATA_DIR: dataDir,
      LEAF_LAKE_URL: `file:${join(dataDir, 'lake')}`,
      PORT: '0',
    });
    app = await startServiceApp(retrievalService, config, logs.logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    bus = app.get<MessageBus>(MESSAGE_BUS);
    pg = app.get<DataSource>(DATA_SOURCE);
    await publish('contracts.search-documents.v1', packetDocument(alpha, 'pkt-alpha'));
    // bravo's schedule also has a specialty brand row, worded to match the query even better.
    await publish(
      'contracts.search-documents.v1',
      packetDocument(bravo, 'pkt-bravo', ['AWP discount', 'Specialty', 'Brand', 'Specialty brand discount guarantee AWP-30%', '']),
    );
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers an analyst's 'specialty brand discount guarantee' with that client's specialty brand rate cell first, and nothing of another client", async () => {
    const { status, body } = await search(`q=${encodeURIComponent('specialty brand discount guarantee')}`);
    expect(status).toBe(200);
    const res = body as SearchResponse;
    expect(res.route.modules).toEqual(['contracts']);
    expect(res.scope).toMatchObject({ clientIds: [alpha], role: 'analyst' });
    expect(res.hits.length).toBeGreaterThan(1);
    expect(res.hits.every((h) => h.clientId === alpha)).toBe(true);
    const [top] = res.hits;
    expect(top).toMatchObject({
      documentId: 'contract-packet:pkt-alpha',
      provenance: { source: 'contract-packet', objectId: 'contract-packet:pkt-alpha', locator: expect.stringMatching(/^u2:r\d+$/) },
    });
    expect(top!.text).toMatch(/^Metric: AWP discount; Channel: Specialty; Drug type: Brand; Guarantee: /);
    expect(top!.provenance.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(top!.subscores.keyword?.rank).toBe(1);
    if (name === 'pglite') expect(top!.subscores.vector).not.toBeNull();
  });

  it("shows bravo's better-worded cell to bravo only, and refuses a client the caller cannot see like a missing one", async () => {
    const asBravo = (await search(`q=${encodeURIComponent('specialty brand discount guarantee')}`, analystOf(bravo))).body as SearchResponse;
    expect(asBravo.hits[0]?.text).toContain('Specialty brand discount guarantee AWP-30%');
    expect(asBravo.hits.every((h) => h.clientId === bravo)).toBe(true);
    const foreign = await search(`q=discount&clientId=${bravo}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ status: 404 });
  });

  it('says no to bad input and to a module above the role, as problem+json', async () => {
    const empty = await search('q=');
    expect(empty.status).toBe(400);
    expect((await search('q=x&limit=500')).status).toBe(400);
    const reader = await search('q=x&module=findings', { subject: 'r', roles: ['reader'], clientIds: [alpha] } as Identity);
    expect(reader.status).toBe(403);
  });

  it('is idempotent on the content hash, replaces a new version, and drops a superseded or deleted document', async () => {
    const chunkRows = async (documentId: string) =>
      ((await pg.query(`SELECT chunk_id FROM retrieval_chunks WHERE document_id = $1 ORDER BY chunk_id`, [documentId])) as Json[]).map((r) =>
        String(r.chunk_id),
      );
    const before = await chunkRows('contract-packet:pkt-alpha');
    await publish('contracts.search-documents.v1', packetDocument(alpha, 'pkt-alpha'), 'resent-same-hash');
    expect(await chunkRows('contract-packet:pkt-alpha')).toEqual(before);

    // A new version of the same packet replaces the old text.
    const v2 = packetDocument(alpha, 'pkt-alpha', ['Rebate per brand claim', 'All', 'Brand', '$99.99 zanzibar', '']);
    await publish('contracts.search-documents.v1', v2);
    // The vector branch always offers neighbours; the keyword branch finds the one new row.
    const zanzibar = (await search('q=zanzibar')).body as SearchResponse;
    expect(zanzibar.hits[0]).toMatchObject({
      documentId: 'contract-packet:pkt-alpha',
      text: expect.stringContaining('zanzibar'),
      subscores: { keyword: { rank: 1 } },
    });
    expect(zanzibar.hits.filter((h) => h.subscores.keyword)).toHaveLength(1);

    // An amendment that supersedes the schedule: the schedule drops out, the amendment answers.
    const amendmentText = 'Amendment 1\nSpecialty brand discount guarantee raised to AWP-23% from July';
    await publish('contracts.search-documents.v1', {
      documentId: 'contract-packet:pkt-alpha-amend',
      clientId: alpha,
      source: 'contract-packet',
      title: 'Amendment 1',
      text: amendmentText,
      sha256: sha(amendmentText),
      locator: 'p1',
      supersedes: ['contract-packet:pkt-alpha'],
    });
    const afterAmendment = (await search(`q=${encodeURIComponent('specialty brand discount guarantee')}`)).body as SearchResponse;
    expect(afterAmendment.hits.map((h) => h.documentId)).toEqual(['contract-packet:pkt-alpha-amend']);
    // Re-sending the superseded schedule does not bring it back.
    await publish('contracts.search-documents.v1', v2, 'superseded-resent');
    expect((await search('q=zanzibar')).body.hits.map((h: Json) => h.documentId)).not.toContain('contract-packet:pkt-alpha');

    await publish('contracts.search-documents.v1', {
      ...v2,
      documentId: 'contract-packet:pkt-alpha-amend',
      sha256: sha(amendmentText),
      text: '',
      action: 'delete',
    });
    expect((await search(`q=${encodeURIComponent('specialty brand discount guarantee')}`)).body.hits).toEqual([]);
  });

  it('indexes finding summaries and requests on their topics, behind the role their module needs', async () => {
    const findings = 'Reconciliation findings: duplicate fill impact 35.00 on retail 30 brand claims';
    await publish('claims.search-documents.v1', {
      documentId: `claims-findings:${alpha}:p1`,
      clientId: alpha,
      source: 'claims-finding',
      module: 'findings',
      objectId: 'run-1',
      kind: 'finding-summary',
      title: 'Findings p1',
      text: findings,
      sha256: sha(findings),
      locator: 'summary',
      chunks: [{ locator: 'finding:f-1', text: findings }],
    });
    const request = 'Please reload the duplicate fill extract for March';
    await publish('salesforce.search-documents.v1', {
      documentId: 'salesforce:req-1',
      clientId: alpha,
      source: 'salesforce',
      title: 'REQ-1 reload',
      text: request,
      sha256: sha(request),
      locator: 'description',
    });
    // "duplicate" names findings, "request" names requests: the router searches both.
    const analyst = (await search('q=duplicate+fill+request')).body as SearchResponse;
    expect(new Set(analyst.hits.map((h) => h.module))).toEqual(new Set(['findings', 'requests']));
    expect(analyst.hits.find((h) => h.module === 'findings')?.provenance).toEqual({
      source: 'claims-finding',
      objectId: 'run-1',
      locator: 'finding:f-1',
      sha256: sha(findings),
    });
    const reader = (await search('q=duplicate+fill+request', { subject: 'r', roles: ['reader'], clientIds: [alpha] } as Identity)).body as SearchResponse;
    expect(reader.hits.map((h) => h.module)).toEqual(['requests']);
  });

  it('dead-letters a document that moves to another client, with the reason, and indexes nothing of it', async () => {
    const text = 'hijack attempt specialty';
    await bus.send('contracts.search-documents.v1', {
      messageId: 'moved',
      body: { documentId: 'salesforce:req-1', clientId: bravo, source: 'salesforce', title: 't', text, sha256: sha(text), locator: 'x' },
    });
    let dead: Json[] = [];
    for (let i = 0; i < 200 && !dead.length; i++) {
      dead = await bus.peek({ topic: 'contracts.search-documents.v1', subscription: 'retrieval' }, { deadLetter: true });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(dead.map((m) => m.deadLetterReason)).toEqual(['SearchDocumentClientMismatch']);
    expect(await pg.query(`SELECT client_id FROM retrieval_documents WHERE document_id = 'salesforce:req-1'`)).toEqual([{ client_id: alpha }]);
  });

  it('reindexes from the registry for an operator, and refuses an analyst', async () => {
    const operator = { subject: 'op', roles: ['operator'], clientIds: '*' } as Identity;
    const res = await fetch(`${base}/v1/search/reindex`, {
      method: 'POST',
      headers: { ...identityHeaders(operator), 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: alpha }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ documents: 2, backend: 'postgres', embedding: 'lexical-ngram-fnv1a-256' });
    const refused = await fetch(`${base}/v1/search/reindex`, {
      method: 'POST',
      headers: { ...identityHeaders(analystOf(alpha)), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
  });
});
