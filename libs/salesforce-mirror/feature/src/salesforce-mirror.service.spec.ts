import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchDocumentV1, type Identity } from '@leaf/contracts';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { FilesystemLake } from '@leaf/storage';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { FakeSalesforceServer, startServiceUnderTest } from '@leaf/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Client as PgClient } from 'pg';
import { salesforceMirrorService } from './salesforce-mirror.service';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const clientA = 'northfield-tech';
const clientB = 'cascade-logistics';

describe.each(testDatabaseTargets())('salesforce-mirror against the fake org on $name', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let fake: FakeSalesforceServer;
  let pg: PgClient;
  let base: string;
  let stop: (() => Promise<void>) | undefined;
  const logs = captureLogger('salesforce-mirror');
  const responses: string[] = [];
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-sf-lake-'));
  const operator = { clientIds: '*' as const, roles: ['operator' as const] };
  const analystA = { clientIds: [clientA], roles: ['analyst' as const] };

  const call = async (
    method: string,
    path: string,
    identity: Partial<Identity> & Pick<Identity, 'clientIds'> = operator,
    body?: unknown,
  ): Promise<{ status: number; body: Json; raw: Buffer; headers: Headers }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...identityHeaders(identity), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const raw = Buffer.from(await res.arrayBuffer());
    responses.push(JSON.stringify(Object.fromEntries(res.headers)), raw.toString('latin1'));
    const json = (res.headers.get('content-type') ?? '').includes('json') && raw.length ? JSON.parse(raw.toString()) : null;
    return { status: res.status, body: json, raw, headers: res.headers };
  };
  const sync = (full = false) => call('POST', '/v1/salesforce/sync', operator, full ? { full: true } : undefined);
  const requestIds = (clientId?: string) =>
    [...fake.org.object('IT_Request__c')!.records.values()].filter((r) => !clientId || r['Client__c'] === clientId).map((r) => String(r['Id']));

  beforeAll(async () => {
    db = await create();
    fake = await FakeSalesforceServer.start({ requests: 24, clients: [clientA, clientB], queryPageSize: 25, bulkPageSize: 10 });
    ({ app, base, pg, stop } = await startServiceUnderTest(salesforceMirrorService, {
      databaseUrl: db.url,
      lakeDir,
      logger: logs.logger,
      env: {
        LEAF_SALESFORCE_LOGIN_URL: fake.url,
        LEAF_SALESFORCE_CLIENT_ID: fake.clientId,
        LEAF_SALESFORCE_CLIENT_SECRET: fake.clientSecret,
        LEAF_SALESFORCE_BULK_POLL_MS: '20',
        LEAF_SALESFORCE_LIMIT_BACKOFF_MS: '10',
        LEAF_SALESFORCE_OVERLAP_MS: '60000',
      },
    }));
  });
  afterAll(async () => {
    await stop?.();
    await fake?.stop();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('loads the org on the first sync through Bulk API 2.0 and finds the mirror complete', async () => {
    const { status, body } = await sync();
    expect(status).toBe(202);
    expect(body.run).toMatchObject({ mode: 'full', status: 'succeeded', reason: 'first sync', counts: expect.objectContaining({ IT_Request__c: 24 }) });
    expect(body.run.apiLimit).toBe(100_000);
    expect(body.completeness).toMatchObject({ clean: true });
    const bulkJobs = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query')).map((r) => /FROM (\w+)/.exec(r.soql ?? '')?.[1]);
    expect(bulkJobs).toEqual(['IT_Request__c', 'IT_Request__History', 'IT_Request__Feed']);
    // 24 requests in pages of 10: the results were read by Sforce-Locator.
    expect(fake.requests.filter((r) => /\/results$/.test(r.path)).length).toBeGreaterThanOrEqual(3 + 2);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM salesforce_request_files WHERE sha256 IS NOT NULL`);
    expect(rows[0].n).toBe(fake.org.blobs.size);
  });

  it("lists requests within the caller's clients, paged, and hides another client's request", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await call('GET', `/v1/salesforce/requests?limit=5${cursor ? `&cursor=${cursor}` : ''}`, analystA);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: Json) => i.requestId));
      expect(page.body.items.every((i: Json) => i.clientId === clientA)).toBe(true);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(requestIds(clientA).sort());
    expect((await call('GET', `/v1/salesforce/requests/${requestIds(clientB)[0]}`, analystA)).status).toBe(404);
    expect((await call('GET', `/v1/salesforce/requests?clientId=${clientB}`, analystA)).status).toBe(404);
    expect((await call('GET', '/v1/salesforce/requests?limit=0', analystA)).status).toBe(400);
    expect((await call('GET', '/v1/salesforce/requests/not-an-id', analystA)).status).toBe(400);
  });

  it('shows a request with its history, files, notes, feed and comments, and serves a file from the lake', async () => {
    const org = fake.org;
    const withAll = requestIds(clientA).find(
      (id) =>
        [...org.object('ContentDocumentLink')!.records.values()].some((l) => l['LinkedEntityId'] === id) &&
        [...org.object('IT_Request__History')!.records.values()].some((h) => h['ParentId'] === id),
    )!;
    const { status, body } = await call('GET', `/v1/salesforce/requests/${withAll}`, analystA);
    expect(status).toBe(200);
    expect(body.history.length).toBe([...org.object('IT_Request__History')!.records.values()].filter((h) => h['ParentId'] === withAll).length);
    expect(body.notes.length).toBe([...org.object('Note')!.records.values()].filter((n) => n['ParentId'] === withAll).length);
    const feed = [...org.object('IT_Request__Feed')!.records.values()].filter((f) => f['ParentId'] === withAll);
    expect(body.feed.map((f: Json) => f.id).sort()).toEqual(feed.map((f) => f['Id']).sort());
    for (const f of body.feed) expect(f.comments.length).toBe([...org.object('FeedComment')!.records.values()].filter((c) => c['FeedItemId'] === f.id).length);
    expect(body.files.length).toBeGreaterThan(0);
    const file = body.files[0];
    expect(file).toMatchObject({ downloadable: true, sha256: expect.stringMatching(/^[a-f0-9]{64}$/) });
    expect(JSON.stringify(body)).not.toMatch(/salesforce-files\/sha256|lake/);
    const download = await call('GET', `/v1/salesforce/requests/${withAll}/files/${file.contentVersionId}`, analystA);
    expect(download.status).toBe(200);
    expect(download.raw.equals(org.blobs.get(file.contentVersionId)!)).toBe(true);
    expect(createHash('sha256').update(download.raw).digest('hex')).toBe(file.sha256);
    expect(body.evidence).toMatchObject({ sha256: expect.stringMatching(/^[a-f0-9]{64}$/), files: body.files.length });
  });

  it('syncs changes incrementally: a new status and its history, a new note, a new custom field, and a delete marked here', async () => {
    const [changedId, deletedId] = requestIds(clientA);
    fake.org.update('IT_Request__c', changedId, { Status__c: 'Escalated' });
    const noteId = fake.org.insert('Note', { ParentId: changedId, Title: 'Escalation', Body: 'Escalated to the vendor.', IsPrivate: false });
    fake.org.addCustomField('IT_Request__c', { name: 'Cost_Center__c', type: 'string' }, () => 'CC-42');
    fake.org.delete('IT_Request__c', deletedId);
    // getDeleted windows end at whole seconds (jsforce formats the end so): let the delete's second pass.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { status, body } = await sync();
    expect(status).toBe(202);
    expect(body.run).toMatchObject({ mode: 'incremental', status: 'succeeded' });
    expect(body.run.counts.newFields).toBe(1);
    expect(body.completeness.clean).toBe(true);
    const detail = (await call('GET', `/v1/salesforce/requests/${changedId}`, analystA)).body;
    expect(detail.status).toBe('Escalated');
    expect(detail.history.at(-1)).toMatchObject({ field: 'Status__c', newValue: 'Escalated' });
    expect(detail.notes.map((n: Json) => n.id)).toContain(noteId);
    expect(detail.fields.Cost_Center__c).toBe('CC-42');
    const gone = await call('GET', `/v1/salesforce/requests/${deletedId}`, analystA);
    expect(gone.body.deletedAt).not.toBeNull();
    const live = (await call('GET', '/v1/salesforce/requests?limit=200', analystA)).body.items.map((i: Json) => i.requestId);
    expect(live).not.toContain(deletedId);
    const all = (await call('GET', '/v1/salesforce/requests?limit=200&includeDeleted=true', analystA)).body.items.map((i: Json) => i.requestId);
    expect(all).toContain(deletedId);
  });

  it('reports a planted gap: a record committed with a SystemModstamp before the overlap window', async () => {
    const late = fake.org.insert(
      'IT_Request__c',
      { Name: 'ITR-LATE', Subject__c: 'Late commit', Status__c: 'New', Client__c: clientA },
      new Date(Date.now() - 3 * 86_400_000).toISOString(),
    );
    const { body } = await sync();
    expect(body.run.mode).toBe('incremental');
    expect(body.completeness.clean).toBe(false);
    const requests = body.completeness.objects.find((o: Json) => o.object === 'IT_Request__c');
    expect(requests).toMatchObject({ missingCount: 1, missing: [late], extraCount: 0 });
    const reports = await call('GET', '/v1/salesforce/completeness');
    expect(reports.body.items[0]).toMatchObject({ syncId: body.run.syncId, clean: false });
  });

  it('resyncs in full when getDeleted no longer covers the window, which also heals the gap', async () => {
    const victim = requestIds(clientB)[0];
    fake.org.delete('IT_Request__c', victim);
    fake.org.purgeDeletes();
    const { body } = await sync();
    expect(body.run).toMatchObject({ mode: 'full', reason: expect.stringMatching(/INVALID_REPLICATION_DATE/) });
    expect(body.completeness.clean).toBe(true);
    expect((await call('GET', `/v1/salesforce/requests/${victim}`)).body.deletedAt).not.toBeNull();
  });

  it('clamps the getDeleted window to the retention horizon instead of resyncing, and resyncs in full once the last check is past it', async () => {
    const retentionMs = 15 * 86_400_000;
    // The org keeps 15 days of deletes; the last check was just inside them, its overlap (a minute) just outside.
    fake.org.earliestDeleteAvailable = new Date(Date.now() - retentionMs).toISOString();
    const victim = requestIds(clientB)[1];
    fake.org.delete('IT_Request__c', victim);
    // getDeleted windows end at whole seconds: let the delete's second pass.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await pg.query(`UPDATE salesforce_sync_state SET deletes_checked_to = $1`, [new Date(Date.now() - retentionMs + 30_000).toISOString()]);
    const asked = fake.requests.length;
    const { body } = await sync();
    expect(body.run).toMatchObject({ mode: 'incremental', status: 'succeeded', reason: null });
    expect((await call('GET', `/v1/salesforce/requests/${victim}`)).body.deletedAt).not.toBeNull();
    const starts = fake.requests
      .slice(asked)
      .filter((r) => /\/deleted\/?$/.test(r.path))
      .map((r) => Date.parse(r.params['start'] ?? ''));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((t) => t >= Date.parse(fake.org.earliestDeleteAvailable))).toBe(true);

    // A sync right after another (well within a minute) still asks for a window getDeleted accepts.
    expect((await sync()).body.run).toMatchObject({ mode: 'incremental', status: 'succeeded' });

    // Past the horizon nothing can be asked: a full resync, decided before any getDeleted.
    await pg.query(`UPDATE salesforce_sync_state SET deletes_checked_to = $1`, [new Date(Date.now() - retentionMs - 60_000).toISOString()]);
    expect((await sync()).body.run).toMatchObject({ mode: 'full', reason: 'deletes window older than the org keeps deletes' });
  });

  it('waits out REQUEST_LIMIT_EXCEEDED and records the API usage it read', async () => {
    fake.exceedLimit(2);
    const { status, body } = await sync();
    expect(status).toBe(202);
    expect(body.run.limitBackoffs).toBeGreaterThanOrEqual(2);
    expect(body.run.apiUsed).toBeGreaterThan(0);
    const state = await call('GET', '/v1/salesforce/sync');
    expect(state.body.objects.find((o: Json) => o.object === 'IT_Request__c')).toMatchObject({ watermark: expect.any(String) });
    expect((await call('GET', '/v1/salesforce/sync', { clientIds: [clientA], roles: ['operator'] })).status).toBe(403);
    expect((await call('POST', '/v1/salesforce/sync', analystA)).status).toBe(403);
    // The task runner syncs as an operator of the task's client: the outcome, not other clients' figures.
    const scoped = await call('POST', '/v1/salesforce/sync', { clientIds: [clientA], roles: ['operator'] });
    expect(scoped.status).toBe(202);
    expect(scoped.body).toMatchObject({ run: { status: 'succeeded', counts: {} }, completeness: { clean: true, objects: [] } });
  });

  it('links a request to the tasks that name it, their runs and deliverables, both ways', async () => {
    const requestId = requestIds(clientA)[2];
    await pg.query(
      `INSERT INTO agent_tasks (task_id, kind, client_id, parameters, requested_by, lane, policy, status, max_attempts, timeout_ms, trace_id, result)
       VALUES ('tsk-lineage-1', 'claims.reconcile', $1, $2, 'analyst@example', 'long', '{}', 'succeeded', 3, 60000, $3, $4),
              ('tsk-lineage-2', 'claims.reconcile', $5, $2, 'analyst@example', 'long', '{}', 'succeeded', 3, 60000, $3, NULL)`,
      [
        clientA,
        JSON.stringify({ clientId: clientA, periodId: 'p1', salesforceRequestId: requestId }),
        'a'.repeat(32),
        JSON.stringify({ runId: 'run-123' }),
        clientB,
      ],
    );
    const sha = 'b'.repeat(64);
    await pg.query(
      `INSERT INTO agent_task_artifacts (task_id, name, attempt, sha256, bytes, content_type, lake_key) VALUES ('tsk-lineage-1', 'findings.xlsx', 1, $1, 10, 'application/octet-stream', $2)`,
      [sha, `artifacts/sha256/bb/${sha}`],
    );
    await sync();
    const detail = (await call('GET', `/v1/salesforce/requests/${requestId}`, analystA)).body;
    // The other client's task naming the same id is not this request's work.
    expect(detail.lineage).toEqual([
      expect.objectContaining({
        taskId: 'tsk-lineage-1',
        kind: 'claims.reconcile',
        runIds: ['run-123'],
        deliverables: [expect.objectContaining({ name: 'findings.xlsx', sha256: sha })],
      }),
    ]);
    expect((await call('GET', '/v1/salesforce/lineage?taskId=tsk-lineage-1', analystA)).body.items).toEqual([
      expect.objectContaining({ requestId, taskId: 'tsk-lineage-1' }),
    ]);
    expect((await call('GET', `/v1/salesforce/lineage?artifactSha256=${sha}`, analystA)).body.items).toEqual([expect.objectContaining({ requestId })]);
    expect((await call('GET', `/v1/salesforce/lineage?artifactSha256=${sha}`, { clientIds: [clientB], roles: ['analyst'] })).body.items).toEqual([]);
    expect((await call('GET', '/v1/salesforce/lineage', analystA)).status).toBe(400);
  });

  it('refreshes lineage when task events arrive on the bus, between syncs, and republishes the request', async () => {
    const requestId = requestIds(clientA)[3];
    const bus = app.get<MessageBus>(MESSAGE_BUS);
    const syncsBefore = Number((await pg.query(`SELECT count(*) AS n FROM salesforce_sync_runs`)).rows[0].n);
    const docsOf = async () =>
      Number(
        (await pg.query(`SELECT count(*) AS n FROM outbox_messages WHERE entity = 'salesforce.search-documents.v1' AND body LIKE $1`, [`%${requestId}%`]))
          .rows[0].n,
      );
    const docsBefore = await docsOf();
    const lineageOf = async () => (await call('GET', `/v1/salesforce/requests/${requestId}`, analystA)).body.lineage as Json[];
    const waitFor = async (probe: () => Promise<boolean>, what: string) => {
      for (let i = 0; i < 200; i++) {
        if (await probe()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    const event = (taskId: string) => ({ taskId, kind: 'claims.reconcile', clientId: clientA, attempt: 1, at: new Date().toISOString() });

    await pg.query(
      `INSERT INTO agent_tasks (task_id, kind, client_id, parameters, requested_by, lane, policy, status, max_attempts, timeout_ms, trace_id)
       VALUES ('tsk-events-1', 'claims.reconcile', $1, $2, 'analyst@example', 'long', '{}', 'running', 3, 60000, $3)`,
      [clientA, JSON.stringify({ clientId: clientA, periodId: 'p1', salesforceRequestId: requestId }), 'c'.repeat(32)],
    );
    expect(await lineageOf()).toEqual([]);
    await bus.send('agent.task-started.v1', { messageId: 'task-started:tsk-events-1:1', body: event('tsk-events-1') });
    await waitFor(async () => (await lineageOf()).some((l) => l.taskId === 'tsk-events-1' && l.status === 'running'), 'the started task in lineage');

    // The worker finishes: result and deliverable in the ledger, then the event.
    const sha = 'd'.repeat(64);
    await pg.query(`UPDATE agent_tasks SET status = 'succeeded', result = $1 WHERE task_id = 'tsk-events-1'`, [JSON.stringify({ runId: 'run-events-1' })]);
    await pg.query(
      `INSERT INTO agent_task_artifacts (task_id, name, attempt, sha256, bytes, content_type, lake_key) VALUES ('tsk-events-1', 'findings.pdf', 1, $1, 10, 'application/pdf', $2)`,
      [sha, `artifacts/sha256/dd/${sha}`],
    );
    await bus.send('agent.task-succeeded.v1', { messageId: 'task-succeeded:tsk-events-1:1', body: event('tsk-events-1') });
    await waitFor(async () => (await lineageOf()).some((l) => l.status === 'succeeded'), 'the finished task in lineage');
    expect(await lineageOf()).toEqual([
      expect.objectContaining({
        taskId: 'tsk-events-1',
        status: 'succeeded',
        runIds: ['run-events-1'],
        deliverables: [expect.objectContaining({ sha256: sha })],
      }),
    ]);
    expect((await call('GET', `/v1/salesforce/lineage?artifactSha256=${sha}`, analystA)).body.items).toEqual([expect.objectContaining({ requestId })]);
    // Its bundle and search document were published again (once per change), and no sync ran for it.
    await waitFor(async () => (await docsOf()) === docsBefore + 2, 'two more search documents of the request');
    expect(Number((await pg.query(`SELECT count(*) AS n FROM salesforce_sync_runs`)).rows[0].n)).toBe(syncsBefore);
  });

  it('publishes search documents through the outbox and evidence bundles with a sha256 manifest into the lake', async () => {
    const { rows } = await pg.query(`SELECT body FROM outbox_messages WHERE entity = 'salesforce.search-documents.v1'`);
    expect(rows.length).toBeGreaterThanOrEqual(24);
    const docs = rows.map((r) => searchDocumentV1.parse(JSON.parse(r.body)));
    expect(docs.some((d) => d.action === 'delete')).toBe(true);
    expect(docs.filter((d) => d.action === 'upsert').every((d) => d.module === 'requests' && d.chunks?.[0]?.locator === 'request')).toBe(true);
    const lake = new FilesystemLake(lakeDir);
    const bundle = (await pg.query(`SELECT * FROM salesforce_evidence_bundles b WHERE files > 0 ORDER BY created_at DESC LIMIT 1`)).rows[0];
    const manifest = JSON.parse((await lake.read(bundle.manifest_lake_key)).toString());
    expect(manifest.files.length).toBe(bundle.files);
    for (const f of manifest.files) {
      const stored = (await pg.query(`SELECT lake_key FROM salesforce_request_files WHERE content_version_id = $1`, [f.contentVersionId])).rows[0];
      expect(
        createHash('sha256')
          .update(await lake.read(stored.lake_key))
          .digest('hex'),
      ).toBe(f.sha256);
    }
    expect(
      createHash('sha256')
        .update(await lake.read(bundle.lake_key))
        .digest('hex'),
    ).toBe(manifest.requestSha256);
  });

  it('never lets a Salesforce token or secret out in answers or logs', () => {
    const everything = responses.join('\n') + JSON.stringify(logs.lines());
    for (const secret of [...fake.issuedTokens, fake.clientSecret]) expect(everything).not.toContain(secret);
  });
});
