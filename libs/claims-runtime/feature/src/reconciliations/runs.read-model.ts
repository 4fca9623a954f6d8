import type { DataSource } from 'typeorm';
import { ReconciliationRunsRepository } from '@leaf/claims-runtime/data-access';
import type { ReconciliationRun } from '@leaf/contracts';
import { DATA_SOURCE } from '@leaf/persistence';

/** The repository calls the read model makes; a spec may count them. */
export type RunSource = Pick<ReconciliationRunsRepository, 'get'>;

const finished = new Set<ReconciliationRun['status']>(['succeeded', 'failed']);
const maxKept = 2_000;

/**
 * One run's state and summary, the read its callers poll. A run still queued or running changes
 * with every stage (possibly in another replica, under its lease), so it is always read from the
 * database: its completion (`claims.reconciliation-completed`, committed with the run's final
 * state) can never be hidden behind a kept copy. A finished run never changes status again (the
 * repository refuses it), so it is kept in memory; the one thing that still changes on it —
 * being superseded when contract-packets promotes new terms — invalidates the client's kept runs
 * (see PacketPromotedHandlers). A load that an invalidation overtook is served to its caller but
 * not kept, so every read that starts after the event loads anew.
 *
 * One process's memory, like ClientsReadModel: with several replicas each must get the promotion
 * event (a subscription per replica), or its kept runs show no supersession until it does.
 */
export class RunsReadModel {
  private readonly kept = new Map<string, ReconciliationRun>();
  /** Bumped by every invalidation: a load that started under an older generation is not kept. */
  private generation = 0;

  constructor(private readonly source: RunSource) {}

  async get(clientId: string, runId: string): Promise<ReconciliationRun | undefined> {
    const kept = this.kept.get(runId);
    if (kept && kept.clientId === clientId) return kept;
    const generation = this.generation;
    const run = await this.source.get(clientId, runId);
    if (run && finished.has(run.status) && generation === this.generation) {
      // Bounded: the oldest kept run goes first (a Map iterates in insertion order).
      if (this.kept.size >= maxKept) this.kept.delete(this.kept.keys().next().value as string);
      this.kept.set(runId, run);
    }
    return run;
  }

  /** Drops the kept runs of a client (all clients without one): an event changed them. */
  invalidate(clientId?: string): void {
    this.generation++;
    if (clientId === undefined) this.kept.clear();
    else for (const [runId, run] of this.kept) if (run.clientId === clientId) this.kept.delete(runId);
  }
}

/** The read model over the service's own database. */
export const runsReadModelProvider = {
  provide: RunsReadModel,
  inject: [DATA_SOURCE],
  useFactory: (ds: DataSource) => new RunsReadModel(new ReconciliationRunsRepository(ds)),
};
