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

/** What a heartbeat found: `held: false` means another attempt owns the task now. */
export interface Heartbeat {
  held: boolean;
  cancelRequested: boolean;
}

export type FailureOutcome = { outcome: 'retry'; backoffMs: number; task: TaskRow } | { outcome: 'failed' | 'dead-lettered'; task: TaskRow };

/**
 * A CTE that inserts an attempt's spans (a JSON array of TaskSpan in `spansParam`) for the task
 * row(s) of `source`: one statement however many spans (json, not jsonb, so each span's attributes
 * are stored as the text they were sent as). A span already recorded stays as it was.
 */
const spansInsert = (source: string, attemptParam: string, spansParam: string) =>
  `spans AS (
     INSERT INTO agent_task_spans (task_id, span_id, parent_span_id, attempt, name, started_at, duration_ms, status, attributes)
     SELECT ${source}.task_id, s."spanId", s."parentSpanId", ${attemptParam}, s.name, s."startedAt", s."durationMs", s.status, COALESCE(s.attributes::text, '{}')
     FROM ${source}, json_to_recordset(${spansParam}::json)
       AS s("spanId" text, "parentSpanId" text, name text, "startedAt" timestamptz, "durationMs" double precision, status text, attributes json)
     ON CONFLICT (task_id, span_id) DO NOTHING)`;

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
    const limited = limits.perKind < unlimited || limits.perClient < unlimited;
    if (!limited) {
      const lease = await this.claimReady(taskId, owner);
      if (lease) return { outcome: 'claimed', lease };
    }
    return this.claimLocked(taskId, owner, limits, limited);
  }

  /**
   * The common case in one statement: a task waiting to run (dispatched or queued, no cancel
   * requested, attempts left) takes the lease and its `started` entry together, while the UPDATE
   * holds the row (so the history order is still the commit order). Anything else (a lapsed lease
   * to take over, a cancel, used-up attempts, a kind with limits) returns nothing here and goes the
   * locked way below, which decides every outcome.
   *
   * Committed without waiting for the flush (synchronous_commit off for this transaction only, as
   * the bus's claims): a crash can lose the claim, which is a redelivery and a fresh claim, never a
   * lost effect, because every later durable write of this attempt (checkpoint, outcome) flushes
   * the WAL up to it first.
   */
  private async claimReady(taskId: string, owner: string): Promise<Lease | undefined> {
    const rows = rowsOf<TaskRow>(
      await this.ds.query(
        `WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting),
       claimed AS (
         UPDATE agent_tasks SET status = 'running', attempts = attempts + 1, lease_owner = $2,
           lease_expires_at = now() + make_interval(secs => $3::double precision / 1000), heartbeat_at = now(),
           started_at = COALESCE(started_at, now()), updated_at = now()
         WHERE task_id = $1 AND status IN ('dispatched', 'queued') AND NOT cancel_requested AND max_attempts - (attempts - releases) > 0
         RETURNING *),
       started AS (
         INSERT INTO agent_task_events (task_id, type, status, attempt, actor, detail)
         SELECT task_id, 'started', 'running', attempts, $2, '{}' FROM claimed)
       SELECT claimed.* FROM claimed, unflushed`,
        [taskId, owner, this.options.leaseMs],
      ),
    );
    const claimed = rows[0];
    return claimed ? { taskId, attempt: claimed.attempts, owner, task: claimed } : undefined;
  }

  private async claimLocked(taskId: string, owner: string, limits: Limits, limited: boolean): Promise<ClaimOutcome> {
    return this.ds.transaction(async (m) => {
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
  async heartbeat(lease: Lease): Promise<Heartbeat> {
    return (await this.heartbeatMany([lease])).get(lease) ?? { held: false, cancelRequested: false };
  }

  /**
   * Extends many leases in one statement (a worker beats for all its running tasks at once):
   * each lease only while it is still its attempt's. A lease that lost its task locks nothing,
   * so one worker's beat waits on another's only for a task both think they hold (a stale lease).
   */
  async heartbeatMany(leases: readonly Lease[]): Promise<Map<Lease, Heartbeat>> {
    const rows = rowsOf<{ task_id: string; attempts: number; lease_owner: string; cancel_requested: boolean }>(
      await this.ds.query(
        `UPDATE agent_tasks t SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => $4::double precision / 1000)
         FROM unnest($1::varchar[], $2::int[], $3::varchar[]) AS l(task_id, attempt, owner)
         WHERE t.task_id = l.task_id AND t.attempts = l.attempt AND t.lease_owner = l.owner AND t.status = 'running'
         RETURNING t.task_id, t.attempts, t.lease_owner, t.cancel_requested`,
        [leases.map((l) => l.taskId), leases.map((l) => l.attempt), leases.map((l) => l.owner), this.options.leaseMs],
      ),
    );
    const held = new Map(rows.map((r) => [`${r.task_id}#${r.attempts}#${r.lease_owner}`, r.cancel_requested]));
    return new Map(
      leases.map((l) => {
        const cancelRequested = held.get(`${l.taskId}#${l.attempt}#${l.owner}`);
        return [l, cancelRequested === undefined ? { held: false, cancelRequested: false } : { held: true, cancelRequested }];
      }),
    );
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

  /**
   * The outcome, its artifacts, spans and `succeeded` entry in one statement fenced by the lease
   * (the UPDATE is the fence: no row, nothing written), then the replay comparison and the effect
   * (the worker's events into the outbox) in the same transaction.
   */
  async succeed(lease: Lease, record: SuccessRecord): Promise<TaskRow> {
    const history = { artifacts: record.artifacts.map((a) => ({ name: a.name, sha256: a.sha256 })) };
    return this.ds.transaction(async (m) => {
      const [task] = rowsOf<TaskRow>(
        await m.query(
          `WITH done AS (
             UPDATE agent_tasks SET status = 'succeeded', result = $5, error_code = NULL, error_detail = NULL, lease_owner = NULL,
               lease_expires_at = NULL, finished_at = now(), updated_at = now()
             WHERE task_id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running' RETURNING *),
           artifacts AS (
             INSERT INTO agent_task_artifacts (task_id, name, attempt, sha256, bytes, content_type, lake_key)
             SELECT done.task_id, a.name, $2, a.sha256, a.bytes, a."contentType", a."lakeKey"
             FROM done, jsonb_to_recordset($6::jsonb) AS a(name text, sha256 text, bytes bigint, "contentType" text, "lakeKey" text)),
           ${spansInsert('done', '$2', '$7')},
           succeeded AS (
             INSERT INTO agent_task_events (task_id, type, status, attempt, actor, detail)
             SELECT task_id, 'succeeded', 'succeeded', $2, $3, $4 FROM done)
           SELECT * FROM done`,
          [
            lease.taskId,
            lease.attempt,
            lease.owner,
            JSON.stringify(history),
            JSON.stringify(record.result),
            JSON.stringify(record.artifacts),
            JSON.stringify(record.spans),
          ],
        ),
      );
      if (!task) throw new TaskLedgerError('TASK_LEASE_LOST', `attempt ${lease.attempt} of ${lease.taskId} no longer holds the lease`);
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
    if (spans.length === 0) return;
    await m.query(`WITH task AS (SELECT $1::varchar AS task_id), ${spansInsert('task', '$2', '$3')} SELECT 1`, [
      lease.taskId,
      lease.attempt,
      JSON.stringify(spans),
    ]);
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
