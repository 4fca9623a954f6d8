import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LaneStatusList, QueueDepthList, Role } from '@leaf/contracts';
import { addToOutbox, createEmbeddedBus, outboxMigrations, type EmbeddedBus } from '@leaf/messaging';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import {
  TaskLeases,
  TaskLedger,
  claimsReconcileKind,
  decidePolicy,
  platformNoopKind,
  taskLedgerMigrations,
  unlimited,
  workerRef,
  type TaskKindDefinition,
} from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '../auth/dev-issuer';
import { gatewayService } from '../gateway.service';
import { gatewayMigrations } from '../idempotency/idempotency-schema';

const task = (n: number, clientId: string) => ({ taskId: `tsk_ops_${n}`, kind: 'platform.noop', clientId, parameters: {}, requestedBy: 'spec' });

/**
 * The operations API on a real gateway over PGlite: the embedded bus's queues and the task ledger
 * as operators see them, within their client scope; other roles are refused; outside a cluster
 * the cluster part says so.
 */
describe('gateway: operations API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-gateway-ops-'));
  let db: TestDatabase;
  let ds: DataSource;
  let bus: EmbeddedBus;
  let app: NestFastifyApplication;
  let base: string;
  const bearer = async (role: Role, clients: string[] | '*') => ({
    authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer')), { subject: `${role}-user`, roles: [role], clients })}`,
  });
  const get = async <T>(path: string, headers: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    ds = await createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...gatewayMigrations.postgres, ...outboxMigrations.postgres, ...taskLedgerMigrations.postgres] },
    ).initialize();
    await runMigrations(ds);
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
    });
    app = await startServiceApp(gatewayService, config, captureLogger().logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    bus = await createEmbeddedBus({ url: db.url, poolSize: 1 });

    // Queues: two long wake-ups of client-a, one scheduled short one of client-b, one dead letter of client-b.
    await bus.send('agent-tasks-long', [{ body: task(1, 'client-a') }, { body: task(2, 'client-a') }]);
    await bus.schedule('agent-tasks', { body: task(3, 'client-b') }, new Date(Date.now() + 3_600_000));
    await bus.send('agent-tasks', { body: task(4, 'client-b'), messageId: 'poison' });
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, (_m, settle) => settle.deadLetter({ reason: 'spec', description: 'dead on purpose' }));
    for (let i = 0; i < 200 && (await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true })).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await consumer.close();

    // Lanes: a running and a stuck long task of client-a, a queued short task of client-b.
    const ledger = new TaskLedger(ds, addToOutbox);
    const create = async (definition: TaskKindDefinition, clientId: string, parameters: Record<string, unknown>) => {
      const policy = decidePolicy(definition, { subject: 'spec', roles: ['admin'] }, true);
      if (!policy.allowed) throw new Error(policy.detail);
      return (await ledger.create({ definition, clientId, parameters, policy: policy.decision, requestedBy: 'spec' })).task;
    };
    const leases = new TaskLeases(ds, { leaseMs: 60_000 });
    const running = await create(claimsReconcileKind, 'client-a', { clientId: 'client-a', periodId: 'p-1' });
    const stuck = await create(claimsReconcileKind, 'client-a', { clientId: 'client-a', periodId: 'p-2' });
    await create(platformNoopKind, 'client-b', {});
    await leases.claim(running.task_id, 'lane-worker-long-x1/1', { perKind: unlimited, perClient: unlimited });
    await leases.claim(stuck.task_id, 'lane-worker-long-x2/1', { perKind: unlimited, perClient: unlimited });
    await ds.query(`UPDATE agent_tasks SET lease_expires_at = now() - interval '1 minute' WHERE task_id = $1`, [stuck.task_id]);
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    await app?.close();
    await ds?.destroy();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows an operator of every client each queue and subscription: active, scheduled, dead-lettered and the oldest age', async () => {
    const { status, body } = await get<QueueDepthList>('/v1/operations/queues', await bearer('operator', '*'));
    expect(status).toBe(200);
    const of = (entity: string) => body.items.find((i) => i.entity === entity && i.subscription === null);
    expect(of('agent-tasks-long')).toMatchObject({ active: 2, scheduled: 0, deadLettered: 0, capped: false, error: null });
    expect(of('agent-tasks-long')?.oldestActiveAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(of('agent-tasks')).toMatchObject({ active: 0, scheduled: 1, deadLettered: 1, oldestActiveAgeSeconds: null });
    expect(body.items.some((i) => i.entity === 'agent.task-succeeded.v1' && i.subscription === 'agent-dispatcher')).toBe(true);
  });

  it('counts for an operator of one client only what names that client', async () => {
    const { body } = await get<QueueDepthList>('/v1/operations/queues', await bearer('operator', ['client-a']));
    expect(body.items.find((i) => i.entity === 'agent-tasks')).toMatchObject({ active: 0, scheduled: 0, deadLettered: 0 });
    expect(body.items.find((i) => i.entity === 'agent-tasks-long')).toMatchObject({ active: 2 });
    const lanes = await get<LaneStatusList>('/v1/operations/lanes', await bearer('operator', ['client-b']));
    expect(lanes.body.items).toEqual([
      { lane: 'short', queue: 'agent-tasks', queued: 1, running: 0, stuck: 0, blocked: 0, workers: [] },
      { lane: 'long', queue: 'agent-tasks-long', queued: 0, running: 0, stuck: 0, blocked: 0, workers: [] },
    ]);
  });

  it('shows per lane the queued, running and stuck tasks with the workers holding leases', async () => {
    const { status, body } = await get<LaneStatusList>('/v1/operations/lanes', await bearer('operator', '*'));
    expect(status).toBe(200);
    expect(body.items.find((l) => l.lane === 'short')).toMatchObject({ queue: 'agent-tasks', queued: 1, running: 0, stuck: 0 });
    const long = body.items.find((l) => l.lane === 'long');
    expect(long).toMatchObject({ queue: 'agent-tasks-long', queued: 0, running: 2, stuck: 1 });
    // Workers are named as everywhere in the ledger: opaque refs an operator maps back with the worker's logs.
    expect(long?.workers.map((w) => [w.workerId, w.tasks]).sort()).toEqual(
      [
        [workerRef('lane-worker-long-x1/1'), 1],
        [workerRef('lane-worker-long-x2/1'), 1],
      ].sort(),
    );
  });

  it('says the cluster cannot be read outside one, and refuses every other role', async () => {
    expect(await get('/v1/operations/cluster', await bearer('operator', '*'))).toEqual({
      status: 200,
      body: { available: false, reason: expect.stringContaining('not running in a Kubernetes cluster') },
    });
    for (const role of ['reader', 'analyst'] as const)
      for (const path of ['/v1/operations/queues', '/v1/operations/lanes', '/v1/operations/cluster'])
        expect((await get(path, await bearer(role, '*'))).status).toBe(403);
    expect((await fetch(`${base}/v1/operations/queues`)).status).toBe(401);
  });
});
