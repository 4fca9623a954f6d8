import type { Heartbeat, Lease, TaskLeases } from '@leaf/task-ledger';
import type { Logger } from 'pino';

type OnBeat = (beat: Heartbeat) => void;

/**
 * One heartbeat for all of a worker's running tasks: every `intervalMs`, one statement extends
 * every lease (TaskLeases.heartbeatMany) and each task hears whether it still holds its lease and
 * whether a cancel was asked. A task beats first within one interval of its start, well inside
 * its lease (a few intervals). A beat still on its way skips the next tick rather than piling up.
 */
export class LeaseHeartbeats {
  private readonly beating = new Map<Lease, OnBeat>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;

  constructor(
    private readonly leases: TaskLeases,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Beats for `lease` until the returned function is called. */
  add(lease: Lease, onBeat: OnBeat): () => void {
    this.beating.set(lease, onBeat);
    this.timer ??= setInterval(() => void this.beat(), this.intervalMs);
    return () => {
      this.beating.delete(lease);
      if (this.beating.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async beat(): Promise<void> {
    if (this.inFlight || this.beating.size === 0) return;
    this.inFlight = true;
    const leases = [...this.beating.keys()];
    try {
      const beats = await this.leases.heartbeatMany(leases);
      for (const [lease, beat] of beats) this.beating.get(lease)?.(beat);
    } catch (error) {
      this.logger.warn({ err: error, taskIds: leases.map((l) => l.taskId) }, 'heartbeat failed');
    } finally {
      this.inFlight = false;
    }
  }
}
