import { reconciliationInterruptedCode, type ReconciliationRun } from '@leaf/contracts';

export type RunStatus = ReconciliationRun['status'];

/** A run not yet finished: some instance holds its lease and executes it. */
export const openRunStatuses = ['queued', 'running'] as const satisfies readonly RunStatus[];

/**
 * Every change a run may undergo and the states it may come from. Each write of a run is
 * guarded by its `from` list (and by the writer's ownership), so a finished run stays finished:
 * a run failed because its lease expired can never be completed by the executor that lost it.
 */
export const runTransitions = {
  /** The executor reports a stage. */
  progress: { from: openRunStatuses, to: 'running' },
  /** The executor's completing transaction (findings, figures, event). */
  complete: { from: ['running'], to: 'succeeded' },
  /** The executor gave up (bad inputs, a failed query, an invariant). */
  fail: { from: openRunStatuses, to: 'failed' },
  /** Its owner stopped renewing the lease (crash, stall): any instance may fail it. */
  expire: { from: openRunStatuses, to: 'failed' },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus }>;
export type RunTransition = keyof typeof runTransitions;

export function canTransition(from: RunStatus, transition: RunTransition): boolean {
  return (runTransitions[transition].from as readonly RunStatus[]).includes(from);
}

/** What an expired run records: retryable, because its inputs were not at fault. */
export const runInterruption = {
  code: reconciliationInterruptedCode,
  detail: 'the instance executing the run stopped before it finished (its lease expired); start a new run',
} as const;

/**
 * A lease must outlive two missed renewals: one slow renewal (a busy event loop, a database
 * failover) must not let another instance fail a run that is still executing.
 */
export function leaseTimingProblem(leaseMs: number, renewMs: number): string | undefined {
  return renewMs * 3 <= leaseMs ? undefined : `must be at most a third of the lease (${leaseMs} ms), so a live run survives two missed renewals`;
}
