import type { TestDatabase } from '@leaf/persistence/testing';
import { TaskWatchdog, platformNoopKind } from '@leaf/task-ledger';
import { addToOutbox } from '@leaf/messaging';
import { WorkerHarness, realPostgres } from '../testing/worker-harness';
import { startWorkerProcess, type WorkerProcess } from '../testing/worker-process';

const taskCount = 200;

/**
 * Chaos: 200 tasks, three worker processes, workers SIGKILLed at random and replaced. At the end
 * every task succeeded exactly once in effect (one effect row and one artifact per task, though
 * the effect table has no unique key) and the ledger's history explains every extra attempt.
 * Real PostgreSQL: several processes share the ledger and the bus.
 */
describe('lane-worker chaos on PostgreSQL', () => {
  let db: TestDatabase;
  let h: WorkerHarness;
  const workers: WorkerProcess[] = [];
  let sweeping = true;

  beforeAll(async () => {
    db = await realPostgres();
    h = await WorkerHarness.open(db.url);
    await h.ds.query('CREATE TABLE chaos_effects (task_id TEXT NOT NULL, attempt INT NOT NULL, worker TEXT NOT NULL)');
  });
  afterAll(async () => {
    sweeping = false;
    await Promise.all(workers.map((w) => w.kill()));
    await h?.close();
    await db?.drop();
  });

  it('runs every task exactly once in effect while workers are killed, and the history explains every retry', async () => {
    const spawnWorker = () => {
      const w = startWorkerProcess('chaos-worker.fixture.ts', [db.url, h.busSchema, h.lakeDir]);
      workers.push(w);
      return w;
    };
    await Promise.all([spawnWorker(), spawnWorker(), spawnWorker()].map((w) => w.ready));

    // The dispatcher's watchdog: leases expire 600 ms after the last heartbeat.
    const watchdog = new TaskWatchdog(h.ds, addToOutbox, { graceMs: 200, staleDispatchMs: 20_000 });
    const sweeper = (async () => {
      while (sweeping) {
        const r = await watchdog.sweep();
        if (r.redispatched) h.relay.notify();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    // Each task takes a little time so that a kill lands mid-task (a retry) rather than between tasks.
    const ids: string[] = [];
    for (let i = 0; i < taskCount; i++) ids.push((await h.create(platformNoopKind, `client-${i % 7}`, { sleepMs: 25, note: `chaos ${i}` })).task_id);

    const unfinished = async () =>
      Number((await h.ds.query(`SELECT COUNT(*) AS n FROM agent_tasks WHERE status NOT IN ('succeeded', 'failed', 'cancelled', 'dead-lettered')`))[0].n);
    let kills = 0;
    const deadline = Date.now() + 50_000;
    while ((await unfinished()) > 0) {
      if (Date.now() > deadline) throw new Error(`${await unfinished()} tasks unfinished after 50 s`);
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 600)));
      const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      if (kills < 8 && alive.length > 0) {
        await alive[Math.floor(Math.random() * alive.length)].kill('SIGKILL');
        kills++;
        spawnWorker();
      }
    }
    sweeping = false;
    await sweeper;

    const statuses: Array<{ status: string; n: string }> = await h.ds.query(`SELECT status, COUNT(*) AS n FROM agent_tasks GROUP BY status`);
    expect(statuses).toEqual([{ status: 'succeeded', n: String(taskCount) }]);

    // Exactly once in effect: one effect row per task, written by the attempt the ledger says succeeded.
    const effects: Array<{ task_id: string; n: string }> = await h.ds.query(`SELECT task_id, COUNT(*) AS n FROM chaos_effects GROUP BY task_id`);
    expect(effects).toHaveLength(taskCount);
    expect(effects.filter((e) => e.n !== '1')).toEqual([]);
    const mismatched = await h.ds.query(`SELECT e.task_id FROM chaos_effects e JOIN agent_tasks t USING (task_id) WHERE e.attempt <> t.attempts`);
    expect(mismatched).toEqual([]);
    // One artifact per task, none lost, each distinct (the task id is in its bytes).
    const artifacts: Array<{ sha256: string }> = await h.ds.query(`SELECT sha256 FROM agent_task_artifacts`);
    expect(artifacts).toHaveLength(taskCount);
    expect(new Set(artifacts.map((a) => a.sha256)).size).toBe(taskCount);

    // Every start after the first is explained by a lost heartbeat, a release or a scheduled retry.
    const history: Array<{ task_id: string; type: string }> = await h.ds.query(`SELECT task_id, type FROM agent_task_events ORDER BY event_seq`);
    const byTask = new Map<string, string[]>();
    for (const e of history) byTask.set(e.task_id, [...(byTask.get(e.task_id) ?? []), e.type]);
    const attempts: Array<{ task_id: string; attempts: number }> = await h.ds.query(`SELECT task_id, attempts FROM agent_tasks`);
    let retried = 0;
    for (const { task_id, attempts: n } of attempts) {
      const types = byTask.get(task_id) ?? [];
      const starts = types.filter((t) => t === 'started').length;
      const explained = types.filter((t) => t === 'heartbeat-lost' || t === 'released' || t === 'retry-scheduled').length;
      expect({ task_id, starts }).toEqual({ task_id, starts: n });
      expect({ task_id, unexplained: starts - 1 - explained }).toEqual({ task_id, unexplained: 0 });
      expect(types.filter((t) => t === 'succeeded')).toHaveLength(1);
      if (starts > 1) retried++;
    }
    expect(kills).toBeGreaterThan(0);
    expect(retried).toBeGreaterThan(0);
    expect(ids).toHaveLength(taskCount);
  }, 90_000);
});
