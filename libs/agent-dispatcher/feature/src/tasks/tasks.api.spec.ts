import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { laneQueues, type TaskDetail, type TaskList } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { DATA_SOURCE, createDataSource, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { IdentityVerifier, canSeeClient, internalIdentityKeyBytes, loadServiceConfig, migrationsOf, startServiceApp } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { TaskLeases } from '@leaf/task-ledger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { agentDispatcherService } from '../agent-dispatcher.service';

const analyst = identityHeaders({ subject: 'ana@acme', roles: ['analyst'], clientIds: ['acme-health'] });
const reader = identityHeaders({ subject: 'rita@acme', roles: ['reader'], clientIds: ['acme-health'] });
const otherClient = identityHeaders({ subject: 'bob@beta', roles: ['operator'], clientIds: ['beta-union'] });
const operator = identityHeaders({ subject: 'ops', roles: ['operator'], clientIds: '*' });
const secondOperator = identityHeaders({ subject: 'ops-2', roles: ['operator'], clientIds: ['acme-health'] });
const admin = identityHeaders({ subject: 'root', roles: ['admin'], clientIds: '*' });
const json = { 'content-type': 'application/json' };
const reconcile = { kind: 'claims.reconcile', clientId: 'acme-health', parameters: { periodId: 'acme-health-py2025' } };
const acmeRun = 'rec_00000000000000000000000001';
const betaRun = 'rec_00000000000000000000000002';

/**
 * claims-runtime's answers the dispatcher asks at create (periods of the caller's clients, one run
 * per client), verifying the caller's signed identity as the real service does.
 */
async function startClaimsRuntime(): Promise<{ url: string; server: Server }> {
  const verifier = new IdentityVerifier(internalIdentityKeyBytes(undefined));
  const period = (clientId: string, year: number) => ({
    periodId: `${clientId}-py${year}`,
    clientId,
    pbmName: 'PBM',
    startDate: `${year}-01-01`,
    endDate: `${year}-12-31`,
  });
  const clients = ['acme-health', 'beta-union'].map((clientId) => ({
    clientId,
    name: clientId,
    segment: 'employer',
    memberCount: 1,
    periods: [period(clientId, 2024), period(clientId, 2025)],
  }));
  const runs: Record<string, string> = { [acmeRun]: 'acme-health', [betaRun]: 'beta-union' };
  const server = createServer(async (req, res) => {
    const token = req.headers['x-leaf-identity'];
    const verified = typeof token === 'string' ? await verifier.verify(token) : null;
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!verified || !('identity' in verified)) return send(401, { code: 'UNAUTHENTICATED' });
    const caller = verified.identity;
    if (req.url === '/v1/clients') return send(200, { items: clients.filter((c) => canSeeClient(caller, c.clientId)) });
    const m = /^\/v1\/clients\/([^/]+)\/reconciliations\/([^/]+)$/.exec(req.url ?? '');
    if (m && runs[m[2]] === m[1] && canSeeClient(caller, m[1])) return send(200, { runId: m[2], clientId: m[1] });
    return send(404, { code: 'NOT_FOUND' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe.each(testDatabaseTargets())('agent-dispatcher tasks API on $name', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let ds: DataSource;
  let bus: MessageBus;
  let leases: TaskLeases;
  let claims: Awaited<ReturnType<typeof startClaimsRuntime>>;
  let logs: () => Record<string, unknown>[] = () => [];
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-dispatcher-lake-'));

  beforeAll(async () => {
    db = await create();
    const migrate = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: migrationsOf([agentDispatcherService]) }).initialize();
    await runMigrations(migrate);
    await migrate.destroy();
    claims = await startClaimsRuntime();
    const config = loadServiceConfig(agentDispatcherService, {
      LEAF_CLAIMS_RUNTIME_URL: claims.url,
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${lakeDir}`,
      PORT: '0',
      LEAF_TASK_WATCHDOG_MS: '100',
      LEAF_TASK_LEASE_GRACE_MS: '0',
      LEAF_TASK_STREAM_POLL_MS: '50',
    });
    const captured = captureLogger();
    logs = captured.lines;
    app = await startServiceApp(agentDispatcherService, config, captured.logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    ds = app.get(DATA_SOURCE);
    bus = app.get(MESSAGE_BUS);
    leases = new TaskLeases(ds, { leaseMs: 60_000 });
  });
  afterAll(async () => {
    // Nothing the API did may have failed on the server side.
    expect(logs().filter((l) => l['level'] === 'error' || l['level'] === 'fatal')).toEqual([]);
    await app?.close();
    claims?.server.close();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  const post = (path: string, headers: Record<string, string>, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, ...(body === undefined ? {} : json), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });
  const taskCount = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM agent_tasks'))[0].n);
  const queued = async (taskId: string) => {
    for (let i = 0; i < 100; i++) {
      // Either lane: claims.reconcile is a long kind (agent-tasks-long), others go to agent-tasks.
      const found = (await Promise.all(Object.values(laneQueues).map((queue) => bus.peek({ queue }, { maxCount: 100 }))))
        .flat()
        .filter((m) => m.correlationId === taskId);
      if (found.length) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    return [];
  };

  it('creates a task (201, Location), dispatches it onto its lane (agent-tasks-long for claims.reconcile) with the task id as message id', async () => {
    const res = await post('/v1/tasks', analyst, reconcile);
    expect(res.status).toBe(201);
    const task = (await res.json()) as TaskDetail;
    expect(res.headers.get('location')).toBe(`/v1/tasks/${task.taskId}`);
    expect(task).toMatchObject({
      kind: 'claims.reconcile',
      clientId: 'acme-health',
      status: 'dispatched',
      requestedBy: 'ana@acme',
      lane: 'long',
      parameters: { clientId: 'acme-health', periodId: 'acme-health-py2025' },
    });
    expect(task.policy.decision).toBe('allowed');
    expect(task.traceId).toMatch(/^[a-f0-9]{32}$/);
    const [message] = await queued(task.taskId);
    expect(message).toMatchObject({ messageId: task.taskId, body: { taskId: task.taskId, kind: 'claims.reconcile', clientId: 'acme-health' } });
    expect(String(message.applicationProperties['traceparent'])).toContain(task.traceId);
  });

  it('answers a repeated Idempotency-Key with the same task (200) and another body under it with 409', async () => {
    const first = (await (await post('/v1/tasks', analyst, reconcile, { 'idempotency-key': 'retry-key-0001' })).json()) as TaskDetail;
    const again = await post('/v1/tasks', analyst, reconcile, { 'idempotency-key': 'retry-key-0001' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as TaskDetail).taskId).toBe(first.taskId);
    const before = await taskCount();
    const conflict = await post(
      '/v1/tasks',
      analyst,
      { ...reconcile, parameters: { periodId: 'acme-health-py2024' } },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(await conflict.json()).toMatchObject({ code: 'CONFLICT' });
    expect(await taskCount()).toBe(before);
  });

  it('refuses bad input with 400 problem+json and writes nothing', async () => {
    const before = await taskCount();
    const unknown = await post('/v1/tasks', analyst, { ...reconcile, kind: 'claims.nuke' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'kind' })] });
    const badParams = await post('/v1/tasks', analyst, { ...reconcile, parameters: { periodId: 7 } });
    expect(await badParams.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'parameters.periodId' })] });
    const otherScope = await post('/v1/tasks', analyst, { ...reconcile, parameters: { clientId: 'beta-union', periodId: 'x' } });
    expect(otherScope.status).toBe(400);
    const extra = await post('/v1/tasks', analyst, { ...reconcile, priority: 'high' });
    expect(extra.status).toBe(400);
    // The gateway's Idempotency-Key rule and error, not a looser one of the dispatcher's own.
    const shortKey = await post('/v1/tasks', analyst, reconcile, { 'idempotency-key': 'k-1' });
    expect(shortKey.status).toBe(400);
    expect(await shortKey.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'Idempotency-Key', message: 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -' }],
    });
    expect(await taskCount()).toBe(before);
  });

  it('scopes by client and role: 401 without identity, 404 for another client, 403 below the kind’s role', async () => {
    expect((await fetch(`${base}/v1/tasks`)).status).toBe(401);
    expect((await post('/v1/tasks', otherClient, reconcile)).status).toBe(404);
    expect((await post('/v1/tasks', reader, reconcile)).status).toBe(403);
    expect((await post('/v1/tasks', analyst, { ...reconcile, approve: true })).status).toBe(403);
    const mine = (await (await post('/v1/tasks', analyst, reconcile)).json()) as TaskDetail;
    expect((await get(`/v1/tasks/${mine.taskId}`, otherClient)).status).toBe(404);
    expect((await get(`/v1/tasks/${mine.taskId}`, reader)).status).toBe(200);
    const list = (await (await get('/v1/tasks?limit=200', otherClient)).json()) as TaskList;
    expect(list.items.every((t) => t.clientId === 'beta-union')).toBe(true);
    expect((await get('/v1/tasks?clientId=acme-health', otherClient)).status).toBe(404);
  });

  it('pages the list newest first with a cursor and filters', async () => {
    for (let i = 0; i < 3; i++) await post('/v1/tasks', operator, { kind: 'platform.noop', clientId: 'paging-client', parameters: { note: String(i) } });
    const first = (await (await get('/v1/tasks?clientId=paging-client&limit=2', operator)).json()) as TaskList;
    const second = (await (await get(`/v1/tasks?clientId=paging-client&limit=2&cursor=${first.nextCursor}`, operator)).json()) as TaskList;
    expect(first.items).toHaveLength(2);
    expect(second).toMatchObject({ items: [expect.objectContaining({ clientId: 'paging-client' })], nextCursor: null });
    expect(first.items[0].createdAt >= first.items[1].createdAt).toBe(true);
    expect((await get('/v1/tasks?cursor=abc', operator)).status).toBe(400);
  });

  it('blocks a mutating kind until an operator other than its requester approves it (four eyes)', async () => {
    const blocked = (await (await post('/v1/tasks', operator, { kind: 'contracts.sync', clientId: 'acme-health' })).json()) as TaskDetail;
    expect(blocked).toMatchObject({
      status: 'blocked',
      policy: { decision: 'approval-required' },
      blockers: [expect.objectContaining({ code: 'APPROVAL_REQUIRED' })],
    });
    expect((await post(`/v1/tasks/${blocked.taskId}/approve`, analyst)).status).toBe(403);
    const self = await post(`/v1/tasks/${blocked.taskId}/approve`, operator);
    expect([self.status, ((await self.json()) as { code: string }).code]).toEqual([403, 'FORBIDDEN']);
    expect(await queued(blocked.taskId)).toHaveLength(0);
    const approved = await post(`/v1/tasks/${blocked.taskId}/approve`, secondOperator);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'dispatched', blockers: [], policy: { decision: 'approved', approvedBy: 'ops-2' } });
    expect(await queued(blocked.taskId)).toHaveLength(1);
    expect((await post(`/v1/tasks/${blocked.taskId}/approve`, secondOperator)).status).toBe(409);
    // Approving at creation is approving one's own task: an operator may not; an admin may, on the record.
    expect((await post('/v1/tasks', operator, { kind: 'contracts.sync', clientId: 'acme-health', approve: true })).status).toBe(403);
    const preApproved = (await (await post('/v1/tasks', admin, { kind: 'contracts.sync', clientId: 'acme-health', approve: true })).json()) as TaskDetail;
    expect(preApproved).toMatchObject({
      status: 'dispatched',
      policy: { decision: 'approved', approvedBy: 'root', reason: expect.stringContaining('four-eyes override') },
    });
    const own = (await (await post('/v1/tasks', admin, { kind: 'contracts.sync', clientId: 'acme-health' })).json()) as TaskDetail;
    const selfByAdmin = (await (await post(`/v1/tasks/${own.taskId}/approve`, admin)).json()) as TaskDetail;
    expect(selfByAdmin).toMatchObject({ status: 'dispatched', policy: { approvedBy: 'root', reason: expect.stringContaining('four-eyes override') } });
    expect(selfByAdmin.history.find((e) => e.type === 'approved')).toMatchObject({ actor: 'root', detail: { selfApproved: true } });
  });

  it('refuses at create a period or run of another client (400 naming the parameter), and writes nothing', async () => {
    const before = await taskCount();
    const foreignPeriod = await post('/v1/tasks', operator, { ...reconcile, parameters: { periodId: 'beta-union-py2025' } });
    expect(foreignPeriod.status).toBe(400);
    expect(await foreignPeriod.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'parameters.periodId', message: 'no such contract period of client acme-health' }],
    });
    const foreignRun = await post('/v1/tasks', operator, { kind: 'report.narrative', clientId: 'acme-health', parameters: { runId: betaRun } });
    expect(await foreignRun.json()).toMatchObject({ status: 400, errors: [{ path: 'parameters.runId' }] });
    const unknownRun = await post('/v1/tasks', analyst, {
      kind: 'report.narrative',
      clientId: 'acme-health',
      parameters: { runId: 'rec_00000000000000000000000099' },
    });
    expect(unknownRun.status).toBe(400);
    expect(await taskCount()).toBe(before);
    expect((await post('/v1/tasks', analyst, { kind: 'report.narrative', clientId: 'acme-health', parameters: { runId: acmeRun } })).status).toBe(201);
  });

  it('cancels (the requester or an operator), streams progress as server-sent events, and replays a finished task', async () => {
    const waiting = (await (await post('/v1/tasks', analyst, reconcile)).json()) as TaskDetail;
    const cancelled = await post(`/v1/tasks/${waiting.taskId}/cancel`, analyst);
    expect(cancelled.status).toBe(202);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await post(`/v1/tasks/${waiting.taskId}/cancel`, analyst)).status).toBe(409);

    const task = (await (
      await post('/v1/tasks', operator, { kind: 'platform.noop', clientId: 'acme-health', parameters: { note: 'sse' } })
    ).json()) as TaskDetail;
    expect((await post(`/v1/tasks/${task.taskId}/replay`, operator)).status).toBe(409);
    const stream = await get(`/v1/tasks/${task.taskId}/events`, operator);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = stream.text();
    // A worker takes it (the ledger's lease API, as lane-worker does) and finishes it.
    const claim = await leases.claim(task.taskId, 'spec-worker', { perKind: 100, perClient: 100 });
    if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
    await leases.progress(claim.lease, { stage: 'halfway' });
    await leases.succeed(claim.lease, {
      result: { ok: true },
      artifacts: [{ name: 'noop.json', sha256: 'e'.repeat(64), bytes: 2, contentType: 'application/json', lakeKey: `artifacts/sha256/ee/${'e'.repeat(64)}` }],
      spans: [],
    });
    const events = (await text)
      .split('\n\n')
      .filter(Boolean)
      .map((block) =>
        block
          .split('\n')
          .find((l) => l.startsWith('event: '))
          ?.slice(7),
      );
    expect(events).toEqual(['created', 'dispatched', 'started', 'progress', 'succeeded', 'end']);
    const resumed = await (await fetch(`${base}/v1/tasks/${task.taskId}/events`, { headers: { ...operator, 'last-event-id': '0' } })).text();
    expect(resumed).toContain('event: end');

    const replay = await post(`/v1/tasks/${task.taskId}/replay`, operator);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toMatchObject({ replayOf: task.taskId, status: 'dispatched', parameters: { note: 'sse' } });
    const detail = (await (await get(`/v1/tasks/${task.taskId}`, operator)).json()) as TaskDetail;
    expect(detail).toMatchObject({ status: 'succeeded', artifacts: [expect.objectContaining({ name: 'noop.json' })], result: { ok: true } });
  });

  it('shows a non-operator no internals: per-task event ids, an opaque worker, error texts without addresses', async () => {
    const task = (await (
      await post('/v1/tasks', operator, { kind: 'platform.noop', clientId: 'acme-health', parameters: { note: 'internals' } })
    ).json()) as TaskDetail;
    const claim = await leases.claim(task.taskId, 'lane-worker-short-7d9f8c6b5d-x2k4q/7', { perKind: 100, perClient: 100 });
    if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
    const internal = 'claims-runtime refused: GET http://claims-runtime.leaf.svc.cluster.local:8080/v1/x: connect ECONNREFUSED 10.0.3.17:8080';
    await leases.fail(claim.lease, { code: 'UPSTREAM_UNAVAILABLE', detail: internal, retryable: false, backoffMs: 0, spans: [] });
    const seen = (await (await get(`/v1/tasks/${task.taskId}`, analyst)).json()) as TaskDetail;
    expect(seen.error?.detail).toBe('claims-runtime refused: GET [internal url withheld]: connect ECONNREFUSED [address withheld]');
    const stream = await (await get(`/v1/tasks/${task.taskId}/events`, analyst)).text();
    for (const text of [JSON.stringify(seen), stream]) {
      expect(text).not.toMatch(/10\.0\.3\.17|svc\.cluster\.local|x2k4q|7d9f8c6b5d/);
      expect(text).toContain('wkr_');
    }
    const ids = stream
      .split('\n')
      .filter((l) => l.startsWith('id: '))
      .map((l) => Number(l.slice(4)));
    expect(ids).toEqual(seen.history.map((_, i) => i + 1));
    // Operators still see what happened.
    expect(((await (await get(`/v1/tasks/${task.taskId}`, operator)).json()) as TaskDetail).error?.detail).toBe(internal);
  });

  it('re-dispatches a task whose worker stopped heartbeating (watchdog)', async () => {
    const task = (await (await post('/v1/tasks', operator, { kind: 'platform.noop', clientId: 'acme-health' })).json()) as TaskDetail;
    const stalled = new TaskLeases(ds, { leaseMs: 200 });
    const claim = await stalled.claim(task.taskId, 'doomed-worker', { perKind: 100, perClient: 100 });
    expect(claim.outcome).toBe('claimed');
    let detail: TaskDetail | undefined;
    for (let i = 0; i < 100 && detail?.status !== 'dispatched'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = (await (await get(`/v1/tasks/${task.taskId}`, operator)).json()) as TaskDetail;
    }
    expect(detail?.history.map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'heartbeat-lost', 'redispatched']);
    const wakeUps: Array<{ message_id: string }> = await ds.query('SELECT message_id FROM outbox_messages WHERE correlation_id = $1 ORDER BY outbox_id', [
      task.taskId,
    ]);
    expect(wakeUps.map((w) => w.message_id)).toEqual([task.taskId, `${task.taskId}.w2`]);
  });
});
