import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MESSAGE_BUS, addToOutbox, defaultBusSchema, defaultBusTopology, type MessageBus } from '@leaf/messaging';
import { writeRawEmbeddedMessage } from '@leaf/messaging/testing';
import { DATA_SOURCE } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { TaskLedger, claimsReconcileKind, decidePolicy } from '@leaf/task-ledger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { agentDispatcherService } from '../agent-dispatcher.service';

const runId = 'rec_00000000000000000000000042';
const outcome = {
  runId,
  clientId: 'acme-health',
  periodId: 'acme-health-py2025',
  shortfall: '1234.56',
  findingsArtifactSha256: 'b'.repeat(64),
  completedAt: '2026-12-03T10:00:00.000Z',
};

describe.each(testDatabaseTargets())('agent-dispatcher on claims.reconciliation-completed.v1 ($name)', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let bus: MessageBus;
  let ledger: TaskLedger;
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-dispatcher-events-'));

  beforeAll(async () => {
    db = await create();
    const config = loadServiceConfig(agentDispatcherService, { LEAF_DATABASE_URL: db.url, LEAF_LAKE_URL: `file:${lakeDir}`, PORT: '0' });
    // The service migrates its own empty database on start.
    app = await startServiceApp(agentDispatcherService, config, captureLogger().logger);
    ds = app.get(DATA_SOURCE);
    bus = app.get(MESSAGE_BUS);
    ledger = new TaskLedger(ds, addToOutbox);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const outcomesOn = async (taskId: string) => (await ledger.history(taskId)).filter((e) => e.detail['event'] === 'reconciliation-completed');

  it('records the run outcome on the task that waits for the run, once per message', async () => {
    const policy = decidePolicy(claimsReconcileKind, { subject: 'root', roles: ['admin'] }, true);
    if (!policy.allowed) throw new Error(policy.detail);
    const create = (clientId: string) =>
      ledger.create({
        definition: claimsReconcileKind,
        clientId,
        parameters: { periodId: `${clientId}-py2025` },
        policy: policy.decision,
        requestedBy: 'root',
      });
    const { task: waiting } = await create('acme-health');
    const { task: other } = await create('acme-health');
    // What the worker's claims.reconcile executor checkpoints once claims-runtime accepted the run.
    await ds.query(`UPDATE agent_tasks SET checkpoint = $2 WHERE task_id = $1`, [waiting.task_id, JSON.stringify({ runKey: 'k', runId })]);
    await ds.query(`UPDATE agent_tasks SET checkpoint = $2 WHERE task_id = $1`, [
      other.task_id,
      JSON.stringify({ runKey: 'k2', runId: 'rec_00000000000000000000000043' }),
    ]);

    await bus.send('claims.reconciliation-completed.v1', { messageId: `reconciliation-completed:${runId}`, body: outcome });
    const recorded = await waitFor(
      async () => ((await outcomesOn(waiting.task_id)).length ? outcomesOn(waiting.task_id) : undefined),
      'the outcome on the task',
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.detail).toEqual({ event: 'reconciliation-completed', ...outcome });
    expect(recorded[0]!.actor).toBe('claims-runtime');

    // The same message again (a relay re-send) is applied once; the other task never hears of the run.
    await writeRawEmbeddedMessage(db.url, defaultBusSchema, defaultBusTopology, 'claims.reconciliation-completed.v1', {
      messageId: `reconciliation-completed:${runId}`,
      body: Buffer.from(JSON.stringify(outcome)),
    });
    await waitFor(
      async () =>
        (await bus.peek({ topic: 'claims.reconciliation-completed.v1', subscription: 'agent-dispatcher' }, { maxCount: 10 })).length === 0 ? true : undefined,
      'the subscription to drain',
    );
    expect(await outcomesOn(waiting.task_id)).toHaveLength(1);
    expect(await outcomesOn(other.task_id)).toHaveLength(0);
  });

  it('dead-letters an event that breaks its contract instead of completing it', async () => {
    await writeRawEmbeddedMessage(db.url, defaultBusSchema, defaultBusTopology, 'claims.reconciliation-completed.v1', {
      messageId: 'broken-outcome',
      body: Buffer.from(JSON.stringify({ ...outcome, shortfall: 'lots' })),
    });
    const dead = await waitFor(async () => {
      const found = await bus.peek({ topic: 'claims.reconciliation-completed.v1', subscription: 'agent-dispatcher' }, { deadLetter: true, maxCount: 10 });
      return found.find((m) => m.messageId === 'broken-outcome');
    }, 'the broken event in the dead-letter queue');
    expect(dead.deadLetterReason).toBe('ContractViolation');
  });
});
