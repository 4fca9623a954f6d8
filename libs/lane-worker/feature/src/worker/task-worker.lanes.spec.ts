import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { TaskKindRegistry, defineTaskKind, platformNoopKind, unlimited } from '@leaf/task-ledger';
import { noopExecutor } from '../executors/noop.executor';
import { WorkerHarness } from '../testing/worker-harness';
import type { TaskExecutor } from './task-executor';

// A long-lane twin of platform.noop: the lane is the only difference.
const longNoopKind = defineTaskKind({ ...platformNoopKind, kind: 'spec.long-noop', lane: 'long', concurrency: { perKind: unlimited, perClient: unlimited } });
const registry = new TaskKindRegistry([platformNoopKind, longNoopKind]);
const executors: TaskExecutor[] = [noopExecutor, { kind: longNoopKind.kind, run: (ctx) => noopExecutor.run(ctx) }];

describe.each(testDatabaseTargets())('lane-worker lanes on $name', ({ create }) => {
  let db: TestDatabase;
  let h: WorkerHarness;

  beforeAll(async () => {
    db = await create();
    h = await WorkerHarness.open(db.url);
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('a long task is woken on agent-tasks-long: a short-lane worker leaves it, a long-lane worker runs it', async () => {
    const short = h.startWorker(executors, { queues: ['agent-tasks'] }, registry);
    const quick = await h.create(platformNoopKind, 'acme-health', { sleepMs: 0 });
    const long = await h.create(longNoopKind, 'acme-health', { sleepMs: 0, note: 'long' });
    await h.until(quick.task_id, ['succeeded']);
    const waiting = await waitFor(
      () => h.bus.peek({ queue: 'agent-tasks-long' }),
      (m) => m.length === 1,
      'the long wake-up',
    );
    expect(waiting[0]).toMatchObject({
      correlationId: long.task_id,
      subject: 'spec.long-noop',
      applicationProperties: expect.objectContaining({ lane: 'long' }),
    });
    expect((await h.ledger.get(long.task_id))?.status).toBe('dispatched');
    await short.drain();

    const longLane = h.startWorker(executors, { queues: ['agent-tasks-long'] }, registry);
    const done = await h.until(long.task_id, ['succeeded']);
    await longLane.drain();
    expect(done.lane).toBe('long');
    expect(await h.bus.peek({ queue: 'agent-tasks-long' })).toEqual([]);
  });

  it('a one-task worker (a long-lane Job) runs exactly one task, says so once, and leaves the next message for the next Job', async () => {
    const done: number[] = [];
    const first = await h.create(longNoopKind, 'acme-health', { sleepMs: 200, note: 'first' });
    const second = await h.create(longNoopKind, 'acme-health', { sleepMs: 0, note: 'second' });
    await waitFor(
      () => h.bus.peek({ queue: 'agent-tasks-long' }),
      (m) => m.length === 2,
      'both wake-ups',
    );
    const job = h.startWorker(executors, { queues: ['agent-tasks-long'], onOneTaskDone: () => done.push(Date.now()) }, registry);
    await waitFor(
      () => Promise.resolve(done.length),
      (n) => n === 1,
      'the first Job to finish its task',
    );
    await job.drain();
    const statuses = await Promise.all([first, second].map(async (t) => (await h.ledger.get(t.task_id))?.status));
    expect(statuses.filter((s) => s === 'succeeded')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'dispatched')).toHaveLength(1);
    expect(done).toHaveLength(1);

    const nextJob = h.startWorker(executors, { queues: ['agent-tasks-long'], onOneTaskDone: () => done.push(Date.now()) }, registry);
    await Promise.all([first, second].map((t) => h.until(t.task_id, ['succeeded'])));
    await nextJob.drain();
    expect(done).toHaveLength(2);
  });
});
