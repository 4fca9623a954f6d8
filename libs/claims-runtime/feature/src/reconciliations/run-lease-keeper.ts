import { randomUUID } from 'node:crypto';
import { ReconciliationRunError, type ReconciliationRunsRepository, type RunOwner } from '@leaf/claims-runtime/data-access';
import { Logger } from '@nestjs/common';

export interface RunLeaseTiming {
  leaseMs: number;
  renewMs: number;
  sweepMs: number;
}

/**
 * This instance's side of run ownership. It draws an opaque owner id (per instance, never the
 * host name: a restarted pod keeps its name but not its runs), renews the leases of the runs it
 * executes, aborts an executor whose run another instance failed, and periodically fails the runs
 * whose owners stopped renewing (crashed or stalled), whoever they were.
 */
export class RunLeaseKeeper {
  readonly owner: RunOwner;
  private readonly held = new Map<string, AbortController>();
  private timers: NodeJS.Timeout[] = [];
  private readonly log = new Logger('RunLeases');

  constructor(
    private readonly runs: ReconciliationRunsRepository,
    private readonly timing: RunLeaseTiming,
  ) {
    this.owner = { ownerId: `inst_${randomUUID()}`, leaseMs: timing.leaseMs };
  }

  /** Fails what crashed instances left behind, then keeps renewing and sweeping. */
  async start(): Promise<void> {
    await this.sweep();
    this.every(this.timing.renewMs, () => this.renew(), 'renewing run leases failed');
    this.every(this.timing.sweepMs, () => this.sweep(), 'sweeping expired runs failed');
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** A run this instance now executes: its signal aborts when the run is no longer ours. */
  hold(runId: string): AbortSignal {
    const controller = new AbortController();
    this.held.set(runId, controller);
    return controller.signal;
  }

  release(runId: string): void {
    this.held.delete(runId);
  }

  async renew(): Promise<void> {
    if (!this.held.size) return;
    const still = new Set(await this.runs.renewLeases(this.owner));
    for (const [runId, controller] of this.held) {
      if (still.has(runId) || controller.signal.aborted) continue;
      this.log.warn({ msg: 'lost the lease of a reconciliation run (another instance failed it); stopping its executor', runId });
      controller.abort(new ReconciliationRunError('RUN_NOT_OWNED', `run ${runId} was failed by another instance after its lease expired`));
    }
  }

  /** Fails every open run whose lease expired; returns their ids. */
  async sweep(): Promise<string[]> {
    const failed = await this.runs.failExpired();
    if (failed.length)
      this.log.warn({ msg: 'failed reconciliation runs whose lease expired (their instance stopped)', runIds: failed, ownerId: this.owner.ownerId });
    return failed;
  }

  private every(ms: number, work: () => Promise<unknown>, onError: string) {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void work()
        .catch((err: unknown) => this.log.warn({ msg: onError, err }))
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
