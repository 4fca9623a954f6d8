import type { DataSource } from 'typeorm';
import { addDispatchToOutbox, type OutboxWriter } from './task-dispatch';
import { appendHistory } from './task-history';
import { rowsOf } from './sql-rows';
import type { TaskRow } from './task-row';

export interface WatchdogOptions {
  /** Past the lease's expiry by this much, the worker is presumed gone. */
  graceMs: number;
  /** A dispatched or queued task nobody claimed for this long gets a fresh wake-up. */
  staleDispatchMs: number;
  batchSize?: number;
}

export interface SweepResult {
  redispatched: number;
  deadLettered: number;
  cancelled: number;
}

/**
 * Finds tasks whose worker stopped heartbeating (and wake-ups that were lost) and settles them:
 * re-dispatched while attempts remain, dead-lettered when not, cancelled when that was asked.
 * Rows are taken with SKIP LOCKED so several dispatcher replicas can sweep side by side.
 */
export class TaskWatchdog {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly options: WatchdogOptions,
  ) {}

  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { redispatched: 0, deadLettered: 0, cancelled: 0 };
    await this.ds.transaction(async (m) => {
      const stale: Array<TaskRow & { lost: boolean }> = await m.query(
        `SELECT *, status = 'running' AS lost FROM agent_tasks
         WHERE (status = 'running' AND lease_expires_at < now() - make_interval(secs => $1::double precision / 1000))
            OR (status IN ('dispatched', 'queued') AND updated_at < now() - make_interval(secs => $2::double precision / 1000))
         ORDER BY task_seq LIMIT ${this.options.batchSize ?? 100} FOR UPDATE SKIP LOCKED`,
        [this.options.graceMs, this.options.staleDispatchMs],
      );
      for (const task of stale) {
        if (task.lost) {
          await appendHistory(m, task.task_id, {
            type: 'heartbeat-lost',
            status: 'running',
            attempt: task.attempts,
            actor: 'watchdog',
            detail: { leaseOwner: task.lease_owner, heartbeatAt: task.heartbeat_at },
          });
        }
        if (task.cancel_requested) {
          await m.query(
            `UPDATE agent_tasks SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now() WHERE task_id = $1`,
            [task.task_id],
          );
          await appendHistory(m, task.task_id, {
            type: 'cancelled',
            status: 'cancelled',
            attempt: task.attempts,
            actor: 'watchdog',
            detail: { reason: 'cancelled; its worker was gone' },
          });
          result.cancelled++;
        } else if (task.max_attempts - (task.attempts - task.releases) <= 0) {
          const reason = `MaxAttemptsExceeded: ${task.attempts} attempts, the last lost its worker`;
          await m.query(
            `UPDATE agent_tasks SET status = 'dead-lettered', lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now(),
               error_code = 'MAX_ATTEMPTS_EXCEEDED', error_detail = $2 WHERE task_id = $1`,
            [task.task_id, reason],
          );
          await appendHistory(m, task.task_id, {
            type: 'dead-lettered',
            status: 'dead-lettered',
            attempt: task.attempts,
            actor: 'watchdog',
            detail: { reason },
          });
          result.deadLettered++;
        } else {
          const [updated] = rowsOf<TaskRow>(
            await m.query(
              `UPDATE agent_tasks SET status = 'dispatched', dispatches = dispatches + 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
               WHERE task_id = $1 RETURNING *`,
              [task.task_id],
            ),
          );
          const messageId = await addDispatchToOutbox(this.outbox, m, updated, updated.dispatches);
          await appendHistory(m, task.task_id, {
            type: 'redispatched',
            status: 'dispatched',
            attempt: task.attempts,
            actor: 'watchdog',
            detail: { messageId, why: task.lost ? 'worker stopped heartbeating' : 'wake-up not taken' },
          });
          result.redispatched++;
        }
      }
    });
    return result;
  }
}
