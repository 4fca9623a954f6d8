import { createDataSource, postgresMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import type { TaskSpan } from '@leaf/contracts';
import type { DataSource } from 'typeorm';
import { claimsReconcileKind, contractsSyncKind, platformNoopKind } from '../kinds/task-kinds';
import { decidePolicy } from '../kinds/task-policy';
import { taskLedgerMigrations } from '../schema/task-ledger.migration';
import { isTaskLedgerError } from './task-ledger.error';
import { TaskLedger } from './task-ledger';
import { TaskLeases, unlimited } from './task-lease';
import { TaskWatchdog } from './task-watchdog';
import { workerRef } from './worker-ref';
import type { OutboxWriter } from './task-dispatch';

// The feature passes the messaging lib's addToOutbox; data access may not import it, so the spec
// records what would go out in a table of its own, inside the same transaction.
const addToOutbox: OutboxWriter = async (manager, entity, message) => {
  await manager.query(`INSERT INTO outbox_messages (entity, message_id, correlation_id, body) VALUES ($1, $2, $3, $4)`, [
    entity,
    message.messageId,
    message.correlationId ?? null,
    JSON.stringify(message.body),
  ]);
  return message.messageId ?? '';
};

const analyst = { subject: 'ana@example.test', roles: ['analyst' as const] };
const operator = { subject: 'op@example.test', roles: ['operator' as const] };
const secondOperator = { subject: 'op2@example.test', roles: ['operator' as const] };
const admin = { subject: 'root@example.test', roles: ['admin' as const] };

describe.each(testDatabaseTargets())('task ledger on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let ledger: TaskLedger;
  let leases: TaskLeases;

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...taskLedgerMigrations.postgres] }).initialize();
    await ds.runMigrations();
    await ds.query(`CREATE TABLE outbox_messages (outbox_id SERIAL PRIMARY KEY, entity TEXT, message_id TEXT UNIQUE, correlation_id TEXT, body TEXT)`);
    ledger = new TaskLedger(ds, addToOutbox);
    leases = new TaskLeases(ds, { leaseMs: 60_000 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const noop = (clientId = 'acme-health', key?: string, note = '') => {
    const policy = decidePolicy(platformNoopKind, operator, false);
    if (!policy.allowed) throw new Error('policy');
    return ledger.create({
      definition: platformNoopKind,
      clientId,
      parameters: { sleepMs: 0, note },
      policy: policy.decision,
      requestedBy: operator.subject,
      idempotencyKey: key,
      requestFingerprint: { clientId, note },
    });
  };
  const outboxFor = async (taskId: string) =>
    (await ds.query(`SELECT message_id, entity FROM outbox_messages WHERE correlation_id = $1 ORDER BY outbox_id`, [taskId])) as Array<{
      message_id: string;
      entity: string;
    }>;
  const types = async (taskId: string) => (await ledger.history(taskId)).map((e) => e.type);

  it('creates a task, its history and its wake-up (message id = task id) in one transaction', async () => {
    const { task, created } = await noop();
    expect(created).toBe(true);
    expect(task.task_id).toMatch(/^tsk_[a-z0-9]{26}$/);
    expect(task.status).toBe('dispatched');
    expect(await outboxFor(task.task_id)).toEqual([{ message_id: task.task_id, entity: 'agent-tasks' }]);
    expect(await types(task.task_id)).toEqual(['created', 'dispatched']);
  });

  it('answers the same Idempotency-Key and request with the same task, and refuses it for another request', async () => {
    const first = await noop('acme-health', 'key-1', 'a');
    const again = await noop('acme-health', 'key-1', 'a');
    expect(again).toMatchObject({ created: false, task: { task_id: first.task.task_id } });
    const error = await noop('acme-health', 'key-1', 'b').catch((e: unknown) => e);
    expect(isTaskLedgerError(error, 'TASK_IDEMPOTENCY_CONFLICT')).toBe(true);
    expect(await outboxFor(first.task.task_id)).toHaveLength(1);
  });

  it('blocks a mutating kind until an operator approves it, then dispatches it', async () => {
    const policy = decidePolicy(contractsSyncKind, operator, false);
    if (!policy.allowed) throw new Error('policy');
    const { task } = await ledger.create({
      definition: contractsSyncKind,
      clientId: 'acme-health',
      parameters: { clientId: 'acme-health' },
      policy: policy.decision,
      requestedBy: operator.subject,
    });
    expect(task.status).toBe('blocked');
    expect(await outboxFor(task.task_id)).toEqual([]);
    expect((await ledger.detail(task.task_id))?.blockers).toEqual([expect.objectContaining({ code: 'APPROVAL_REQUIRED' })]);
    // Four eyes: its requester cannot approve it, whatever their role below admin.
    expect(isTaskLedgerError(await ledger.approve(task.task_id, operator).catch((e: unknown) => e), 'TASK_SELF_APPROVAL')).toBe(true);
    expect(await outboxFor(task.task_id)).toEqual([]);
    const approved = await ledger.approve(task.task_id, secondOperator);
    expect(approved.status).toBe('dispatched');
    expect(await outboxFor(task.task_id)).toHaveLength(1);
    expect((await ledger.detail(task.task_id))?.policy).toMatchObject({ decision: 'approved', approvedBy: secondOperator.subject });
    expect(isTaskLedgerError(await ledger.approve(task.task_id, secondOperator).catch((e: unknown) => e), 'TASK_STATE_CONFLICT')).toBe(true);
  });

  it('lets an admin approve their own mutating task, and records that they did', async () => {
    const policy = decidePolicy(contractsSyncKind, admin, false);
    if (!policy.allowed) throw new Error('policy');
    const { task } = await ledger.create({
      definition: contractsSyncKind,
      clientId: 'acme-health',
      parameters: { clientId: 'acme-health' },
      policy: policy.decision,
      requestedBy: admin.subject,
    });
    await ledger.approve(task.task_id, admin);
    const detail = await ledger.detail(task.task_id);
    expect(detail?.policy).toMatchObject({ decision: 'approved', approvedBy: admin.subject, reason: expect.stringContaining('four-eyes override') });
    expect(detail?.history.find((e) => e.type === 'approved')).toMatchObject({ actor: admin.subject, detail: { selfApproved: true } });
  });

  it('refuses a kind to a role below its request role, and an approve flag from a non-operator', () => {
    expect(decidePolicy(platformNoopKind, analyst, false)).toMatchObject({ allowed: false, reason: 'role' });
    expect(decidePolicy(claimsReconcileKind, analyst, true)).toMatchObject({ allowed: false, reason: 'approve-flag' });
    // Approving at creation is approving one's own task: four eyes allow it to an admin only, on the record.
    expect(decidePolicy(contractsSyncKind, operator, true)).toMatchObject({ allowed: false, reason: 'self-approval' });
    expect(decidePolicy(contractsSyncKind, admin, true)).toMatchObject({
      allowed: true,
      decision: { decision: 'approved', approvedBy: admin.subject, reason: expect.stringContaining('four-eyes override') },
    });
    expect(decidePolicy(claimsReconcileKind, analyst, false)).toMatchObject({ allowed: true, decision: { decision: 'allowed' } });
  });

  it('fences every write by the lease: a worker whose lease was taken over cannot record success', async () => {
    const { task } = await noop();
    const limits = { perKind: 100, perClient: 100 };
    const first = await leases.claim(task.task_id, 'worker-a', limits);
    if (first.outcome !== 'claimed') throw new Error(first.outcome);
    expect(await leases.claim(task.task_id, 'worker-b', limits)).toMatchObject({ outcome: 'skip', why: 'held' });
    // worker-a stalls: its lease runs out and the watchdog hands the task out again.
    await ds.query(`UPDATE agent_tasks SET lease_expires_at = now() - interval '1 minute' WHERE task_id = $1`, [task.task_id]);
    const watchdog = new TaskWatchdog(ds, addToOutbox, { graceMs: 0, staleDispatchMs: 3_600_000 });
    expect(await watchdog.sweep()).toMatchObject({ redispatched: 1 });
    expect((await outboxFor(task.task_id)).map((o) => o.message_id)).toEqual([task.task_id, `${task.task_id}.w2`]);
    const second = await leases.claim(task.task_id, 'worker-b', limits);
    if (second.outcome !== 'claimed') throw new Error(second.outcome);
    expect(second.lease.attempt).toBe(2);
    expect(await leases.heartbeat(first.lease)).toEqual({ held: false, cancelRequested: false });
    const lost = await leases.succeed(first.lease, { result: {}, artifacts: [], spans: [] }).catch((e: unknown) => e);
    expect(isTaskLedgerError(lost, 'TASK_LEASE_LOST')).toBe(true);
    await leases.succeed(second.lease, {
      result: { ok: true },
      artifacts: [{ name: 'a.json', sha256: 'a'.repeat(64), bytes: 2, contentType: 'application/json', lakeKey: `artifacts/sha256/aa/${'a'.repeat(64)}` }],
      spans: [],
    });
    const detail = await ledger.detail(task.task_id);
    expect(detail).toMatchObject({ status: 'succeeded', attempts: 2, artifacts: [{ name: 'a.json', attempt: 2 }] });
    expect(detail?.history.map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'heartbeat-lost', 'redispatched', 'started', 'succeeded']);
  });

  it('claims a waiting task of an unlimited kind in one step, takes over a lapsed lease, beats many leases at once, and records spans and artifacts with the success', async () => {
    const free = { perKind: unlimited, perClient: unlimited };
    const [a, b] = [(await noop()).task, (await noop()).task];
    const claimA = await leases.claim(a.task_id, 'worker-a', free);
    const claimB = await leases.claim(b.task_id, 'worker-a', free);
    if (claimA.outcome !== 'claimed' || claimB.outcome !== 'claimed') throw new Error('not claimed');
    expect(claimA.lease).toMatchObject({ taskId: a.task_id, attempt: 1, owner: workerRef('worker-a'), task: { status: 'running', attempts: 1 } });
    expect(await leases.claim(a.task_id, 'worker-b', free)).toMatchObject({ outcome: 'skip', why: 'held' });
    expect(await types(a.task_id)).toEqual(['created', 'dispatched', 'started']);

    // b's worker stalls past its lease: the next claim takes it over and the history says why.
    await ds.query(`UPDATE agent_tasks SET lease_expires_at = now() - interval '1 minute' WHERE task_id = $1`, [b.task_id]);
    const takeover = await leases.claim(b.task_id, 'worker-b', free);
    if (takeover.outcome !== 'claimed') throw new Error(takeover.outcome);
    expect(takeover.lease.attempt).toBe(2);
    expect(await types(b.task_id)).toEqual(['created', 'dispatched', 'started', 'heartbeat-lost', 'started']);

    await ledger.cancel(a.task_id, operator.subject);
    const beats = await leases.heartbeatMany([claimA.lease, claimB.lease, takeover.lease]);
    expect([...beats.values()]).toEqual([
      { held: true, cancelRequested: true },
      { held: false, cancelRequested: false },
      { held: true, cancelRequested: false },
    ]);

    const spans: TaskSpan[] = [
      {
        spanId: 'a'.repeat(16),
        parentSpanId: null,
        name: 'task platform.noop',
        attempt: 2,
        startedAt: '2026-12-01T10:00:00.000Z',
        durationMs: 1.5,
        status: 'ok' as const,
        attributes: { 'leaf.task.kind': 'platform.noop', 'a.b': 1 },
      },
      {
        spanId: 'b'.repeat(16),
        parentSpanId: 'a'.repeat(16),
        name: 'inner',
        attempt: 2,
        startedAt: '2026-12-01T10:00:00.001Z',
        durationMs: 0.25,
        status: 'error' as const,
        attributes: {},
      },
    ];
    const artifacts = ['x.json', 'y.csv'].map((name, i) => ({
      name,
      sha256: String(i).repeat(64),
      bytes: 10 + i,
      contentType: 'text/plain',
      lakeKey: `artifacts/${name}`,
    }));
    await leases.succeed(takeover.lease, { result: { ok: true }, artifacts, spans });
    const detail = await ledger.detail(b.task_id);
    expect(detail).toMatchObject({ status: 'succeeded', attempts: 2, result: { ok: true }, artifacts: artifacts.map((x) => ({ ...x, attempt: 2 })) });
    expect(detail?.trace).toEqual(spans);
    expect(detail?.history.at(-1)).toMatchObject({
      type: 'succeeded',
      attempt: 2,
      detail: { artifacts: artifacts.map(({ name, sha256 }) => ({ name, sha256 })) },
    });
    const stale = await leases.succeed(claimB.lease, { result: {}, artifacts: [], spans }).catch((e: unknown) => e);
    expect(isTaskLedgerError(stale, 'TASK_LEASE_LOST')).toBe(true);
  });

  it('retries a transient failure while attempts remain, then dead-letters with the reason', async () => {
    const { task } = await noop();
    const limits = { perKind: 100, perClient: 100 };
    const outcomes: string[] = [];
    for (let i = 0; i < platformNoopKind.maxAttempts; i++) {
      const claim = await leases.claim(task.task_id, 'worker-a', limits);
      if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
      outcomes.push(
        (await leases.fail(claim.lease, { code: 'UPSTREAM_UNAVAILABLE', detail: 'claims-runtime answered 503', retryable: true, backoffMs: 10, spans: [] }))
          .outcome,
      );
    }
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'retry', 'dead-lettered']);
    const detail = await ledger.detail(task.task_id);
    expect(detail).toMatchObject({
      status: 'dead-lettered',
      error: { code: 'UPSTREAM_UNAVAILABLE', detail: 'MaxAttemptsExceeded: claims-runtime answered 503' },
    });
    expect(detail?.history.filter((e) => e.type === 'retry-scheduled')).toHaveLength(4);
  });

  it('cancels a waiting task at once and asks a running one to stop', async () => {
    const waiting = (await noop()).task;
    expect((await ledger.cancel(waiting.task_id, operator.subject)).status).toBe('cancelled');
    const running = (await noop()).task;
    const claim = await leases.claim(running.task_id, 'worker-a', { perKind: 100, perClient: 100 });
    if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
    expect((await ledger.cancel(running.task_id, operator.subject)).status).toBe('running');
    expect(await leases.heartbeat(claim.lease)).toEqual({ held: true, cancelRequested: true });
    await leases.cancelled(claim.lease, []);
    expect(await types(running.task_id)).toEqual(['created', 'dispatched', 'started', 'cancel-requested', 'cancelled']);
    expect(isTaskLedgerError(await ledger.cancel(running.task_id, operator.subject).catch((e: unknown) => e), 'TASK_STATE_CONFLICT')).toBe(true);
  });

  it('holds back a claim over the per-client limit', async () => {
    const a = (await noop('limit-client')).task;
    const b = (await noop('limit-client')).task;
    expect((await leases.claim(a.task_id, 'w', { perKind: 100, perClient: 1 })).outcome).toBe('claimed');
    expect(await leases.claim(b.task_id, 'w', { perKind: 100, perClient: 1 })).toMatchObject({ outcome: 'throttled' });
    expect((await ledger.get(b.task_id))?.status).toBe('dispatched');
  });

  it("numbers each task's events from 1 (no global sequence) and names workers only by an opaque ref", async () => {
    const pod = 'lane-worker-long-7d9f8c6b5d-x2k4q/1';
    const first = (await noop()).task;
    const second = (await noop()).task;
    const claim = await leases.claim(second.task_id, pod, { perKind: 100, perClient: 100 });
    if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
    expect(claim.lease.owner).toBe(workerRef(pod));
    expect(claim.lease.owner).toMatch(/^wkr_[0-9a-f]{16}$/);
    await leases.progress(claim.lease, { stage: 'halfway' });
    expect((await ledger.history(first.task_id)).map((e) => e.seq)).toEqual([1, 2]);
    const detail = await ledger.detail(second.task_id);
    expect(detail?.history.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await ledger.history(second.task_id, 2)).map((e) => [e.seq, e.type])).toEqual([
      [3, 'started'],
      [4, 'progress'],
    ]);
    expect(detail?.lease.owner).toBe(workerRef(pod));
    expect(JSON.stringify(detail)).not.toMatch(/lane-worker-long|x2k4q|\/1"/);
    // Rows written before refs existed are shown the same way.
    await ds.query(`UPDATE agent_tasks SET lease_owner = $2 WHERE task_id = $1`, [second.task_id, pod]);
    expect((await ledger.detail(second.task_id))?.lease.owner).toBe(workerRef(pod));
  });

  it('keeps the history append-only', async () => {
    const { task } = await noop();
    await expect(ds.query(`UPDATE agent_task_events SET type = 'succeeded' WHERE task_id = $1`, [task.task_id])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM agent_task_events WHERE task_id = $1`, [task.task_id])).rejects.toThrow(/append-only/);
  });

  it('lists newest first within the caller’s clients, with filters and a cursor', async () => {
    for (let i = 0; i < 3; i++) await noop('page-client');
    await noop('other-client');
    const first = await ledger.list({ clientId: 'page-client', limit: 2 }, ['page-client']);
    expect(first.items).toHaveLength(2);
    const second = await ledger.list({ clientId: 'page-client', limit: 2, cursor: first.nextCursor ?? undefined }, ['page-client']);
    expect(second).toMatchObject({ items: [expect.objectContaining({ clientId: 'page-client' })], nextCursor: null });
    expect(new Set([...first.items, ...second.items].map((t) => t.taskId)).size).toBe(3);
    const scoped = await ledger.list({ limit: 200 }, ['other-client']);
    expect(scoped.items.every((t) => t.clientId === 'other-client')).toBe(true);
    expect((await ledger.list({ limit: 200, status: 'cancelled' }, '*')).items.every((t) => t.status === 'cancelled')).toBe(true);
  });
});
