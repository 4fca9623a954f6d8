import type { ReconciliationRun } from '@leaf/contracts';
import { RunsReadModel, type RunSource } from './runs.read-model';

const runOf = (status: ReconciliationRun['status'], extra: Partial<ReconciliationRun> = {}) =>
  ({ runId: 'rec_1', clientId: 'northfield-tech', periodId: 'northfield-tech-py2025', status, supersededBy: null, ...extra }) as ReconciliationRun;

/** The database's current row, and how often the read model asked for it; `hold` pauses the next read. */
function database(initial: ReconciliationRun) {
  let row = initial;
  let held: Promise<void> | undefined;
  const source: RunSource & { reads: number } = {
    reads: 0,
    async get(clientId, runId) {
      source.reads++;
      const seen = row;
      if (held) await held;
      return seen.clientId === clientId && seen.runId === runId ? seen : undefined;
    },
  };
  return {
    source,
    set: (next: ReconciliationRun) => (row = next),
    hold: () => {
      let release!: () => void;
      held = new Promise((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
  };
}

describe('RunsReadModel: never stale after the event', () => {
  it('reads a queued or running run from the database every time, so its completion shows on the first read after it commits', async () => {
    const db = database(runOf('queued'));
    const model = new RunsReadModel(db.source);
    expect((await model.get('northfield-tech', 'rec_1'))?.status).toBe('queued');
    db.set(runOf('running'));
    expect((await model.get('northfield-tech', 'rec_1'))?.status).toBe('running');
    // claims.reconciliation-completed commits with the run's final state.
    db.set(runOf('succeeded'));
    expect((await model.get('northfield-tech', 'rec_1'))?.status).toBe('succeeded');
    expect(db.source.reads).toBe(3);
  });

  it('keeps a finished run (succeeded or failed never changes status again) and answers it from memory', async () => {
    for (const status of ['succeeded', 'failed'] as const) {
      const db = database(runOf(status));
      const model = new RunsReadModel(db.source);
      for (let i = 0; i < 3; i++) expect((await model.get('northfield-tech', 'rec_1'))?.status).toBe(status);
      expect(db.source.reads).toBe(1);
    }
  });

  it("shows a kept run's supersession on the first read after the promotion invalidates the client", async () => {
    const db = database(runOf('succeeded'));
    const model = new RunsReadModel(db.source);
    await model.get('northfield-tech', 'rec_1');
    db.set(runOf('succeeded', { supersededBy: { runId: 'rec_2' } as unknown as ReconciliationRun['supersededBy'] }));
    model.invalidate('northfield-tech');
    expect((await model.get('northfield-tech', 'rec_1'))?.supersededBy).toEqual({ runId: 'rec_2' });
  });

  it('does not keep a load the event overtook: the read after the event loads anew', async () => {
    const db = database(runOf('succeeded'));
    const model = new RunsReadModel(db.source);
    const release = db.hold();
    const before = model.get('northfield-tech', 'rec_1');
    // The promotion commits and invalidates while that load is still on its way.
    db.set(runOf('succeeded', { supersededBy: { runId: 'rec_2' } as unknown as ReconciliationRun['supersededBy'] }));
    model.invalidate('northfield-tech');
    release();
    expect((await before)?.supersededBy).toBeNull();
    expect((await model.get('northfield-tech', 'rec_1'))?.supersededBy).toEqual({ runId: 'rec_2' });
  });

  it("never answers a kept run for another client's path, and keeps other clients' runs through an invalidation", async () => {
    const db = database(runOf('succeeded'));
    const model = new RunsReadModel(db.source);
    await model.get('northfield-tech', 'rec_1');
    expect(await model.get('harbor-valley-sd', 'rec_1')).toBeUndefined();
    model.invalidate('harbor-valley-sd');
    const reads = db.source.reads;
    await model.get('northfield-tech', 'rec_1');
    expect(db.source.reads).toBe(reads);
  });
});
