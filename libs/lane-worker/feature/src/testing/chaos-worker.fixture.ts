/**
 * One lane-worker process for the chaos spec: a TaskWorker on the spec's database, bus schema and
 * lake whose `platform.noop` takes 100-400 ms and records its effect in `chaos_effects` (no unique
 * key: only the lease fencing keeps it to one row per task). Killed with SIGKILL at random.
 * Arguments: <database url> <bus schema> <lake dir>.
 */
import 'reflect-metadata';
import { hostname } from 'node:os';
import { createEmbeddedBus } from '@leaf/messaging';
import { createDataSource } from '@leaf/persistence';
import { createLogger } from '@leaf/platform';
import { FilesystemLake } from '@leaf/storage';
import { TaskKindRegistry } from '@leaf/task-ledger';
import { noopExecutor } from '../executors/noop.executor';
import { pause } from '../http/service-client';
import { TaskWorker } from '../worker/task-worker';
import type { TaskExecutor } from '../worker/task-executor';

async function main(): Promise<void> {
  const [url, schema, lakeDir] = process.argv.slice(2);
  if (!url || !schema || !lakeDir) throw new Error('usage: chaos-worker.fixture.ts <url> <bus schema> <lake dir>');
  const ds = await createDataSource({ kind: 'postgres', url }, {}).initialize();
  const bus = await createEmbeddedBus({ url, schema, pollIntervalMs: 100, poolSize: 4 });
  const workerId = `${hostname()}/${process.pid}`;
  const chaosNoop: TaskExecutor = {
    kind: 'platform.noop',
    async run(ctx) {
      await pause(100 + Math.floor(Math.random() * 300), ctx.signal);
      const outcome = await noopExecutor.run(ctx);
      return {
        ...outcome,
        effect: async (m) => {
          await m.query('INSERT INTO chaos_effects (task_id, attempt, worker) VALUES ($1, $2, $3)', [ctx.taskId, ctx.attempt, workerId]);
        },
      };
    },
  };
  const worker = new TaskWorker(ds, bus, new FilesystemLake(lakeDir), new TaskKindRegistry(), new Map([[chaosNoop.kind, chaosNoop]]), {
    workerId,
    concurrency: 4,
    heartbeatMs: 100,
    leaseMs: 600,
    retryBaseMs: 50,
    drainMs: 1_000,
    logger: createLogger({ service: 'lane-worker', level: 'silent' }),
  });
  worker.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
