import type { ReplayComparison, TaskArtifact, TaskSpan } from '@leaf/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { appendHistory } from './task-history';
import { TaskLedgerError } from './task-ledger.error';
import { rowsOf } from './sql-rows';
import { workerRef } from './worker-ref';
import type { ArtifactRow, TaskRow } from './task-row';

/** A worker's hold on one attempt of a task. Every write it makes is fenced by (attempt, owner). */
export interface Lease {
  taskId: string;
  attempt: number;
  owner: string;
  task: TaskRow;
}

export type ClaimOutcome =
  | { outcome: 'claimed'; lease: Lease }
  /** Nothing to run: already finished, blocked, cancelled, unknown, or held by a live worker. */
  | { outcome: 'skip'; why: 'finished' | 'blocked' | 'cancelled' | 'unknown' | 'held'; task?: TaskRow }
  | { outcome: 'throttled'; task: TaskRow; detail: string }
  /** Moved to dead-lettered: its attempts were used up by workers that vanished. */
  | { outcome: 'exhausted'; task: TaskRow };

/** A kind without a concurrency limit skips the serialised count on claim. */
export const unlimited = Number.MAX_SAFE_INTEGER;

export interface Limits {
  perKind: number;
  perClient: number;
}

export interface SuccessRecord {
  result: Record<string, unknown>;
  artifacts: Array<Omit<TaskArtifact, 'attempt'>>;
  spans: TaskSpan[];
  /** Runs inside the fenced transaction: the effect commits with the success or not at all. */
  effect?: (manager: EntityManager) => Promise<void>;
}

export interface FailureRecord {
  code: string;
  detail: string;
  /** A transient failure is retried while attempts remain; a permanent one fails the task. */
  retryable: boolean;
  backoffMs: number;
  spans: TaskSpan[];
  effect?: (manager: EntityManager) => Promise<void>;
}

export type FailureOutcome = { outcome: 'retry'; backoffMs: number; task: TaskRow } | { outcome: 'failed' | 'dead-lettered'; task: TaskRow };

const remaining = (t: TaskRow) => t.max_attempts - (t.attempts - t.releases);

/**
 * The worker's side of the ledger. Claiming bumps `attempts` and sets the lease; every later
 * write only lands while the lease is still this attempt's, so a worker that lost its lease (it
 * stalled, the watchdog re-dispatched, another worker claimed) can never record a second effect.
 */
export class TaskLeases {
  constructor(
    private readonly ds: DataSource,
    private readonly options: { leaseMs: number },
  ) {}

  /** `workerId` is stored and shown only as its opaque worker ref (see workerRef); the lease carries that ref. */
  async claim(taskId: string, workerId: string, limits: Limits): Promise<ClaimOutcome> {
    const owner = workerRef(workerId);
    return this.ds.transaction(async (m) => {
      const limited = limits.perKind < unlimited || limits.perClient < unlimited;
      if (limited) {
        const [probe]: TaskRow[] = await m.query(`SELECT kind FROM agent_tasks WHERE task_id = $1`, [taskId]);
        if (!probe) return { outcome: 'skip', why: 'unknown' };
        // One claim per kind at a time, so the concurrency counts below cannot race each other.
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('leaf-task-kind'), hashtext($1))`, [probe.kind]);
      }
      const [task]: TaskRow[] = await m.query(`SELECT *, lease_expires_at < now() AS lease_expired FROM agent_tasks WHERE task_id = $1 FOR UPDATE`, [taskId]);
      if (!task) return { outcome: 'skip', why: 'unknown' };
      const expired = (task as TaskRow & { lease_expired: boolean | null }).lease_expired === true;
      if (['succeeded', 'failed', 'cancelled', 'dead-lettered'].includes(task.status)) return { outcome: 'skip', why: 'finished', task };
      if (task.status === 'blocked') return { outcome: 'skip', why: 'blocked', task };
      if (task.status === 'running' && !expired) return { outcome: 'skip', why: 'held', task };
      if (task.status === 'running') {
        await appendHistory(m, taskId, {
          type: 'heartbeat-lost',
          status: 'running',
          attempt: task.attempts,
          actor: owner,
          detail: { leaseOwner: task.lease_owner },
        });
      }
      if (task.cancel_requested) {
        await this.finish(m, task, 'cancelled', owner, { reason: 'cancel requested before the task started' });
        return { outcome: 'skip', why: 'cancelled', task };
      }
      if (remaining(task) <= 0) {
        const reason = `MaxAttemptsExceeded: ${task.attempts} attempts, the last lost its worker`;
        await this.finish(m, task, 'dead-lettered', owner, { reason }, { code: 'MAX_ATTEMPTS_EXCEEDED', detail: reason });
        return { outcome: 'exhausted', task };
      }
      const [{ by_kind, by_client }] = !limited
        ? [{ by_kind: 0, by_client: 0 }]
        : await m.query(
            `SELECT COUNT(*) AS by_kind, COUNT(*) FILTER (WHERE client_id = $3) AS by_client FROM agent_tasks
         WHERE kind = $1 AND status = 'running' AND lease_expires_at >= now() AND task_id <> $2`,
            [task.kind, taskId, task.client_id],
          );
      if (Number(by_kind) >= limits.perKind || Number(by_client) >= limits.perClient) {
        const detail = `${by_kind} ${task.kind} running (limit ${limits.perKind}), ${by_client} for ${task.client_id} (limit ${limits.perClient})`;
        if (task.status === 'running') {
          await m.query(`UPDATE agent_tasks SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE task_id = $1`, [
            taskId,
          ]);
        }
        return { outcome: 'throttled', task, detail };
      }
      const [claimed] = rowsOf<TaskRow>(
        await m.query(
          `UPDATE agent_tasks SET status = 'running', attempts = attempts + 1, lease_owner = $2,
             lease_expires_at = now() + make_interval(secs => $3::double precision / 1000), heartbeat_at = now(),
             started_at = COALESCE(started_at, now()), updated_at = now()
           WHERE task_id = $1 RETURNING *`,
          [taskId, owner, this.options.leaseMs],
        ),
      );
      await appendHistory(m, taskId, { type: 'started', status: 'running', attempt: claimed.attempts, actor: owner });
      return { outcome: 'claimed', lease: { taskId, attempt: claimed.attempts, owner, task: claimed } };
    });
  }

  /** Extends the lease; `held: false` means another attempt owns the task now (stop at once). */
  async heartbeat(lease: Lease): Promise<{ held: boolean; cancelRequested: boolean }> {
    const rows = rowsOf<{ cancel_requested: boolean }>(
      await this.ds.query(
        `UPDATE agent_tasks SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => $4::double precision / 1000)
         WHERE task_id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running' RETURNING cancel_requested`,
        [lease.taskId, lease.attempt, lease.owner, this.options.leaseMs],
      ),
    );
    return rows[0] ? { held: true, cancelRequested: rows[0].cancel_requested } : { held: false, cancelRequested: false };
  }

  async progress(lease: Lease, detail: Record<string, unknown>): Promise<void> {
    await this.fenced(lease, async (m) =>
      appendHistory(m, lease.taskId, { type: 'progress', status: 'running', attempt: lease.attempt, actor: lease.owner, detail }),
    );
  }

  /** What an attempt has done so far that a retry must not redo (e.g. the run it started upstream). */
  async checkpoint(lease: Lease, data: Record<string, unknown>): Promise<void> {
    await this.fenced(lease, (m) => m.query(`UPDATE agent_tasks SET checkpoint = $2 WHERE task_id = $1`, [lease.taskId, JSON.stringify(data)]));
  }

  async succeed(lease: Lease, record: SuccessRecord): Promise<TaskRow> {
    return this.fenced(lease, async (m) => {
      const [task] = rowsOf<TaskRow>(
        await m.query(
          `UPDATE agent_tasks SET status = 'succeeded', result = $2, error_code = NULL, error_detail = NULL, lease_owner = NULL,
             lease_expires_at = NULL, finished_at = now(), updated_at = now() WHERE task_id = $1 RETURNING *`,
          [lease.taskId, JSON.stringify(record.result)],
        ),
      );
      for (const a of record.artifacts) {
        await m.query(`INSERT INTO agent_task_artifacts (task_id, name, attempt, sha256, bytes, content_type, lake_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          lease.taskId,
          a.name,
          lease.attempt,
          a.sha256,
          a.bytes,
          a.contentType,
          a.lakeKey,
        ]);
      }
      await this.saveSpans(m, lease, record.spans);
      await appendHistory(m, lease.taskId, {
        type: 'succeeded',
        status: 'succeeded',
        attempt: lease.attempt,
        actor: lease.owner,
        detail: { artifacts: record.artifacts.map((a) => ({ name: a.name, sha256: a.sha256 })) },
      });
      if (task.replay_of) {
        const comparison = await this.compare(m, task.replay_of, record.artifacts);
        await appendHistory(m, lease.taskId, { type: 'replay-compared', status: 'succeeded', attempt: lease.attempt, actor: lease.owner, detail: comparison });
        await m.query(`UPDATE agent_tasks SET result = $2 WHERE task_id = $1`, [lease.taskId, JSON.stringify({ ...record.result, replay: comparison })]);
      }
      await record.effect?.(m);
      return task;
    });
  }

  async fail(lease: Lease, record: FailureRecord): Promise<FailureOutcome> {
    return this.fenced(lease, async (m) => {
      const [current]: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE task_id = $1`, [lease.taskId]);
      await this.saveSpans(m, lease, record.spans);
      let outcome: FailureOutcome;
      if (record.retryable && remaining(current) > 0) {
        const [task] = rowsOf<TaskRow>(
          await m.query(
            `UPDATE agent_tasks SET status = 'queued', error_code = $2, error_detail = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
             WHERE task_id = $1 RETURNING *`,
            [lease.taskId, record.code, record.detail.slice(0, 2000)],
          ),
        );
        await appendHistory(m, lease.taskId, {
          type: 'retry-scheduled',
          status: 'queued',
          attempt: lease.attempt,
          actor: lease.owner,
          detail: { code: record.code, detail: record.detail.slice(0, 500), backoffMs: record.backoffMs, attemptsLeft: remaining(current) },
        });
        outcome = { outcome: 'retry', backoffMs: record.backoffMs, task };
      } else {
        const status = record.retryable ? 'dead-lettered' : 'failed';
        const detail = record.retryable ? `MaxAttemptsExceeded: ${record.detail}` : record.detail;
        const task = await this.finish(m, current, status, lease.owner, { code: record.code, reason: detail.slice(0, 500) }, { code: record.code, detail });
        outcome = { outcome: status, task };
      }
      await record.effect?.(m);
      return outcome;
    });
  }

  /** Shutdown: hand the task back untouched so another worker takes it (not counted as an attempt). */
  async release(lease: Lease, reason: string): Promise<void> {
    await this.fenced(lease, async (m) => {
      await m.query(
        `UPDATE agent_tasks SET status = 'dispatched', releases = releases + 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE task_id = $1`,
        [lease.taskId],
      );
      await appendHistory(m, lease.taskId, { type: 'released', status: 'dispatched', attempt: lease.attempt, actor: lease.owner, detail: { reason } });
    });
  }

  async cancelled(lease: Lease, spans: TaskSpan[]): Promise<void> {
    await this.fenced(lease, async (m) => {
      const [current]: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE task_id = $1`, [lease.taskId]);
      await this.saveSpans(m, lease, spans);
      await this.finish(m, current, 'cancelled', lease.owner, { reason: 'cancelled while running' });
    });
  }

  /** A message that cannot be a task (unknown kind, parameters that no longer parse): no lease needed. */
  async poison(taskId: string, workerId: string, reason: string): Promise<void> {
    const actor = workerRef(workerId);
    await this.ds.transaction(async (m) => {
      const [task]: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE task_id = $1 FOR UPDATE`, [taskId]);
      if (!task || ['succeeded', 'failed', 'cancelled', 'dead-lettered'].includes(task.status)) return;
      await this.finish(m, task, 'dead-lettered', actor, { reason }, { code: 'POISON_TASK', detail: reason });
    });
  }

  private async finish(
    m: EntityManager,
    task: TaskRow,
    status: 'cancelled' | 'failed' | 'dead-lettered',
    actor: string,
    detail: Record<string, unknown>,
    error?: { code: string; detail: string },
  ): Promise<TaskRow> {
    const [updated] = rowsOf<TaskRow>(
      await m.query(
        `UPDATE agent_tasks SET status = $2, lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now(),
           error_code = COALESCE($3, error_code), error_detail = COALESCE($4, error_detail) WHERE task_id = $1 RETURNING *`,
        [task.task_id, status, error?.code ?? null, error?.detail.slice(0, 2000) ?? null],
      ),
    );
    await appendHistory(m, task.task_id, { type: status, status, attempt: task.attempts, actor, detail });
    return updated;
  }

  private async compare(m: EntityManager, originalId: string, artifacts: SuccessRecord['artifacts']): Promise<ReplayComparison> {
    const original: ArtifactRow[] = await m.query(`SELECT * FROM agent_task_artifacts WHERE task_id = $1`, [originalId]);
    const names = [...new Set([...original.map((a) => a.name), ...artifacts.map((a) => a.name)])].sort();
    const differences = names
      .map((name) => ({
        name,
        originalSha256: original.find((a) => a.name === name)?.sha256 ?? null,
        replaySha256: artifacts.find((a) => a.name === name)?.sha256 ?? null,
      }))
      .filter((d) => d.originalSha256 !== d.replaySha256);
    return { originalTaskId: originalId, identical: differences.length === 0, differences };
  }

  private async saveSpans(m: EntityManager, lease: Lease, spans: TaskSpan[]): Promise<void> {
    for (const s of spans) {
      await m.query(
        `INSERT INTO agent_task_spans (task_id, span_id, parent_span_id, attempt, name, started_at, duration_ms, status, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (task_id, span_id) DO NOTHING`,
        [lease.taskId, s.spanId, s.parentSpanId, lease.attempt, s.name, s.startedAt, s.durationMs, s.status, JSON.stringify(s.attributes)],
      );
    }
  }

  /** Runs `work` in a transaction only while this attempt still holds the lease; else TASK_LEASE_LOST. */
  private async fenced<T>(lease: Lease, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (m) => {
      const rows: Array<{ task_id: string }> = await m.query(
        `SELECT task_id FROM agent_tasks WHERE task_id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running' FOR UPDATE`,
        [lease.taskId, lease.attempt, lease.owner],
      );
      if (!rows[0]) throw new TaskLedgerError('TASK_LEASE_LOST', `attempt ${lease.attempt} of ${lease.taskId} no longer holds the lease`);
      return work(m);
    });
  }
}
