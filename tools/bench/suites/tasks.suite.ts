import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentDispatcherService } from '@leaf/agent-dispatcher/feature';
import { OutboxRelay, addToOutbox, createEmbeddedBus, type EmbeddedBus } from '@leaf/messaging';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { createLogger } from '@leaf/platform';
import { FilesystemLake } from '@leaf/storage';
import { TaskKindRegistry, TaskLedger, decidePolicy, platformNoopKind } from '@leaf/task-ledger';
import { TaskWorker, type TaskExecutor } from '@leaf/lane-worker/feature';
import type { DataSource } from 'typeorm';
import { defineSuite, type BenchCase } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';

/**
 * No-op tasks end to end through the ledger (create + history + outbox in one transaction),
 * the outbox relay, the embedded bus and a lane-worker (claim with lease, heartbeat, fenced
 * success with its history), against the bare bus doing the same hop (send -> handler) in the
 * same run, on one PostgreSQL database, with the same concurrency (8 producers, 16 handlers).
 * Latency is create/send start -> handler start; throughput counts until the last task is
 * succeeded in the ledger (bare bus: until the last handler returned).
 */
interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}

interface TasksContext {
  adminUrl: string;
  db: BenchDatabase;
  tasks: number;
  log: (message: string) => void;
  results?: { ledger: Run; bus: Run };
}

const producers = 8;
const handlers = 16;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const round = (n: number) => Math.round(n * 10) / 10;

async function drive(count: number, produce: (i: number) => Promise<void>, finished: Promise<void>, startedAt: Float64Array, latency: number[]): Promise<Run> {
  const began = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = p; i < count; i += producers) {
        startedAt[i] = performance.now();
        await produce(i);
      }
    }),
  );
  await finished;
  const seconds = (performance.now() - began) / 1000;
  latency.sort((a, b) => a - b);
  return { perSecond: Math.round(count / seconds), p50: round(percentile(latency, 0.5)), p99: round(percentile(latency, 0.99)) };
}

async function bareBus(url: string, count: number): Promise<Run> {
  const bus = await createEmbeddedBus({ url, schema: 'bench_tasks_bare' });
  const startedAt = new Float64Array(count);
  const latency: number[] = [];
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const consumer = bus.subscribe(
    { queue: 'agent-tasks' },
    async (m) => {
      latency.push(performance.now() - startedAt[Number((m.body as { parameters: { i: number } }).parameters.i)]);
      if (++done === count) finish();
    },
    { maxConcurrentCalls: handlers },
  );
  try {
    return await drive(
      count,
      (i) =>
        bus.send('agent-tasks', { body: { taskId: `t-${i}`, kind: 'platform.noop', clientId: 'city-of-riverton', parameters: { i }, requestedBy: 'bench' } }),
      finished,
      startedAt,
      latency,
    );
  } finally {
    await consumer.close();
    await bus.close();
  }
}

async function throughLedger(url: string, count: number): Promise<Run> {
  const ds: DataSource = await createDataSource({ kind: 'postgres', url }, { migrations: [...agentDispatcherService.migrations] }).initialize();
  await runMigrations(ds);
  const bus: EmbeddedBus = await createEmbeddedBus({ url, schema: 'bench_tasks_ledger' });
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-bench-tasks-'));
  const ledger = new TaskLedger(ds, addToOutbox);
  // The relay's default safety-net poll (1 s, as the kit's): every wake-up comes from a notify after a commit.
  const relay = new OutboxRelay(ds, bus);
  const startedAt = new Float64Array(count);
  const latency: number[] = [];
  const index = new Map<string, number>();
  const executor: TaskExecutor = {
    kind: 'platform.noop',
    async run(ctx) {
      latency.push(performance.now() - startedAt[index.get(ctx.taskId) ?? 0]);
      return { result: {}, artifacts: [] };
    },
  };
  const worker = new TaskWorker(ds, bus, new FilesystemLake(lakeDir), new TaskKindRegistry(), new Map([[executor.kind, executor]]), {
    workerId: 'bench-worker',
    concurrency: handlers,
    heartbeatMs: 2_000,
    leaseMs: 15_000,
    retryBaseMs: 1_000,
    drainMs: 5_000,
    logger: createLogger({ service: 'lane-worker', level: 'silent' }),
    onOutboxWritten: () => relay.notify(),
  });
  const policy = decidePolicy(platformNoopKind, { subject: 'bench', roles: ['operator'] }, false);
  if (!policy.allowed) throw new Error(policy.detail);
  relay.start();
  worker.start();
  const finished = (async () => {
    for (;;) {
      const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM agent_tasks WHERE status = 'succeeded'`);
      if (Number(n) >= count) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return await drive(
      count,
      async (i) => {
        const { task } = await ledger.create({
          definition: platformNoopKind,
          clientId: 'city-of-riverton',
          parameters: { sleepMs: 0, note: '' },
          policy: policy.decision,
          requestedBy: 'bench',
        });
        index.set(task.task_id, i);
        relay.notify();
      },
      finished,
      startedAt,
      latency,
    );
  } finally {
    await worker.drain();
    await relay.stop();
    await bus.close();
    await ds.destroy();
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

async function results(context: TasksContext) {
  if (!context.results) {
    const { db, tasks, log } = context;
    log(`bare embedded bus: ${tasks} messages`);
    const bus = await bareBus(db.url, tasks);
    log(`  ${JSON.stringify(bus)}`);
    log(`ledger + outbox + bus + lane-worker: ${tasks} no-op tasks`);
    const ledger = await throughLedger(db.url, tasks);
    log(`  ${JSON.stringify(ledger)}`);
    context.results = { ledger, bus };
  }
  return context.results;
}

const versusBus = (name: string, metric: keyof Run): BenchCase<TasksContext> => ({
  name,
  unit: metric === 'perSecond' ? 'tasks/s' : 'ms',
  kind: metric === 'perSecond' ? 'throughput' : 'time',
  async measure(context) {
    const r = await results(context);
    return { value: r.ledger[metric], reference: { name: 'bare embedded bus (send -> handler)', value: r.bus[metric] } };
  },
});

export const tasksSuite = defineSuite<TasksContext>({
  name: 'tasks',
  description: 'no-op tasks through ledger + outbox + bus + lane-worker vs the bare embedded bus (--claims = tasks, default 2000)',
  async setup({ claims = 2_000, log }) {
    const adminUrl = benchAdminUrl();
    const db = await createBenchDatabase(adminUrl, 'tasks');
    return { adminUrl, db, tasks: claims, log };
  },
  async teardown({ adminUrl, db }) {
    await dropBenchDatabases(adminUrl, [db]);
  },
  cases: [
    versusBus('throughput-vs-bare-bus', 'perSecond'),
    versusBus('dispatch-to-start-p50-vs-bare-bus', 'p50'),
    versusBus('dispatch-to-start-p99-vs-bare-bus', 'p99'),
  ],
});
