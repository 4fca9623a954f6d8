import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutboxRelay, addToOutbox, createEmbeddedBus, type EmbeddedBus } from '@leaf/messaging';
import { createDataSource } from '@leaf/persistence';
import { createPostgresTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { createLogger, migrationsOf } from '@leaf/platform';
import { FilesystemLake } from '@leaf/storage';
import { TaskKindRegistry, TaskLedger, decidePolicy, type TaskKindDefinition, type TaskRow } from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';
import { laneWorkerService } from '../lane-worker.service';
import { TaskWorker, type TaskWorkerOptions } from '../worker/task-worker';
import type { TaskExecutor } from '../worker/task-executor';

/** A database with the ledger, an embedded bus, a folder lake, the dispatcher's ledger and relay: what a worker runs against. */
export class WorkerHarness {
  readonly workers: TaskWorker[] = [];
  private constructor(
    readonly ds: DataSource,
    readonly bus: EmbeddedBus,
    readonly lake: FilesystemLake,
    readonly ledger: TaskLedger,
    readonly relay: OutboxRelay,
    readonly lakeDir: string,
    readonly busSchema: string,
  ) {}

  static async open(url: string): Promise<WorkerHarness> {
    const ds = await createDataSource({ kind: 'postgres', url }, { migrations: migrationsOf([laneWorkerService]) }).initialize();
    await ds.runMigrations();
    const busSchema = `bus_${randomBytes(4).toString('hex')}`;
    const bus = await createEmbeddedBus({ url, schema: busSchema, pollIntervalMs: 100, poolSize: 4 });
    const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-lane-lake-'));
    const lake = new FilesystemLake(lakeDir);
    const relay = new OutboxRelay(ds, bus, { pollIntervalMs: 50 });
    relay.start();
    return new WorkerHarness(ds, bus, lake, new TaskLedger(ds, addToOutbox), relay, lakeDir, busSchema);
  }

  startWorker(executors: TaskExecutor[], options: Partial<TaskWorkerOptions> = {}, registry = new TaskKindRegistry()): TaskWorker {
    const worker = new TaskWorker(this.ds, this.bus, this.lake, registry, new Map(executors.map((e) => [e.kind, e])), {
      workerId: `spec-worker-${this.workers.length + 1}`,
      concurrency: 4,
      heartbeatMs: 100,
      leaseMs: 1_000,
      retryBaseMs: 20,
      drainMs: 5_000,
      logger: createLogger({ service: 'lane-worker', level: 'silent' }),
      ...options,
    });
    worker.start();
    this.workers.push(worker);
    return worker;
  }

  async create(definition: TaskKindDefinition, clientId: string, parameters: Record<string, unknown>, replayOf?: string): Promise<TaskRow> {
    const policy = decidePolicy(definition, { subject: 'spec@example.test', roles: ['admin'] }, true);
    if (!policy.allowed) throw new Error(policy.detail);
    const { task } = await this.ledger.create({ definition, clientId, parameters, policy: policy.decision, requestedBy: 'spec@example.test', replayOf });
    this.relay.notify();
    return task;
  }

  async until(taskId: string, statuses: readonly string[], timeoutMs = 15_000): Promise<TaskRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.ledger.get(taskId);
      if (task && statuses.includes(task.status)) return task;
      if (Date.now() > deadline) throw new Error(`task ${taskId} is ${task?.status}, not ${statuses.join('|')}, after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.drain()));
    await this.relay.stop();
    await this.bus.close();
    await this.ds.destroy();
    rmSync(this.lakeDir, { recursive: true, force: true });
  }
}

/**
 * For specs with several worker processes (the chaos spec): PGlite lives inside one process, so
 * they need a real server. TEST_DATABASE_URL when set, else the machine's server.
 */
export const realPostgres = (): Promise<TestDatabase> =>
  createPostgresTestDatabase(process.env['TEST_DATABASE_URL']?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres');
