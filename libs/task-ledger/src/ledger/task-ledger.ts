import type { PolicyDecision, Role, TaskBlocker, TaskDetail, TaskHistoryEvent, TaskList, TaskListQuery } from '@leaf/contracts';
import { canonicalSha256, terminalTaskStatuses } from '@leaf/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { TaskKindDefinition } from '../kinds/task-kind';
import { hasAtLeast } from '../kinds/task-kind.registry';
import { selfApprovalReason } from '../kinds/task-policy';
import { addDispatchToOutbox, type OutboxWriter } from './task-dispatch';
import { appendHistory } from './task-history';
import { TaskLedgerError } from './task-ledger.error';
import { newTaskId, newTraceId } from './task-ids';
import { toDetail, toEvent, toSummary, type ArtifactRow, type EventRow, type SpanRow, type TaskRow } from './task-row';
import { rowsOf } from './sql-rows';

/**
 * A task's events numbered 1, 2, … in the order they were written. Every write to a task's history
 * happens while its row is locked, so that order is the commit order and the numbers never shift.
 */
const numberedEvents = `SELECT e.*, ROW_NUMBER() OVER (ORDER BY e.event_seq) AS task_event_no FROM agent_task_events e WHERE e.task_id = $1`;

export interface NewTask {
  definition: TaskKindDefinition;
  clientId: string;
  /** Already validated against the kind's schema. */
  parameters: Record<string, unknown>;
  policy: PolicyDecision;
  requestedBy: string;
  idempotencyKey?: string;
  /** What the idempotency key is bound to: the same key with another request is a conflict. */
  requestFingerprint?: unknown;
  replayOf?: string;
}

export type VisibleClients = '*' | readonly string[];

const isUniqueViolation = (e: unknown) =>
  (e as { driverError?: { code?: string }; code?: string })?.driverError?.code === '23505' || (e as { code?: string })?.code === '23505';

/**
 * The dispatcher's side of the ledger: create (with idempotency and policy), read, list, cancel,
 * approve. Every change appends to the history in the same transaction, and a dispatch writes its
 * wake-up into the outbox in that transaction too.
 */
export class TaskLedger {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async create(input: NewTask): Promise<{ task: TaskRow; created: boolean }> {
    const requestSha256 = input.idempotencyKey ? canonicalSha256(input.requestFingerprint ?? null) : null;
    try {
      return await this.ds.transaction(async (m) => {
        if (input.idempotencyKey) {
          const existing = await this.byIdempotencyKey(m, input.requestedBy, input.idempotencyKey);
          if (existing) return this.sameRequest(existing, requestSha256);
        }
        return { task: await this.insert(m, input, requestSha256), created: true };
      });
    } catch (error) {
      // Two requests with one key raced: the loser answers with the winner's task.
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const existing = await this.byIdempotencyKey(this.ds.manager, input.requestedBy, input.idempotencyKey);
        if (existing) return this.sameRequest(existing, requestSha256);
      }
      throw error;
    }
  }

  private sameRequest(existing: TaskRow, requestSha256: string | null): { task: TaskRow; created: boolean } {
    if (existing.request_sha256 !== requestSha256) {
      throw new TaskLedgerError('TASK_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used with a different request');
    }
    return { task: existing, created: false };
  }

  private async byIdempotencyKey(m: EntityManager, requestedBy: string, key: string): Promise<TaskRow | undefined> {
    const rows: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE requested_by = $1 AND idempotency_key = $2`, [requestedBy, key]);
    return rows[0];
  }

  /**
   * The task and its first history entries in one statement, after its wake-up went into the
   * outbox (all of it in the caller's transaction): the ids are made here, so nothing waits on
   * the row to exist.
   */
  private async insert(m: EntityManager, input: NewTask, requestSha256: string | null): Promise<TaskRow> {
    const d = input.definition;
    const blocked = input.policy.decision === 'approval-required';
    const blockers: TaskBlocker[] = blocked ? [{ code: 'APPROVAL_REQUIRED', detail: input.policy.reason, since: new Date().toISOString() }] : [];
    const taskId = newTaskId();
    const traceId = newTraceId();
    const parameters = JSON.stringify(input.parameters);
    const created = { type: 'created', status: 'queued', actor: input.requestedBy, detail: { policy: input.policy, replayOf: input.replayOf ?? null } };
    const next = blocked
      ? { type: 'blocked', status: 'blocked', actor: 'policy', detail: { blockers } }
      : {
          type: 'dispatched',
          status: 'dispatched',
          actor: 'agent-dispatcher',
          detail: {
            messageId: await addDispatchToOutbox(
              this.outbox,
              m,
              { task_id: taskId, kind: d.kind, client_id: input.clientId, parameters, requested_by: input.requestedBy, lane: d.lane, trace_id: traceId },
              1,
            ),
          },
        };
    const [task] = rowsOf<TaskRow>(
      await m.query(
        `WITH task AS (
           INSERT INTO agent_tasks (task_id, kind, client_id, parameters, requested_by, lane, policy, status, dispatches, max_attempts, timeout_ms,
             blockers, trace_id, replay_of, idempotency_key, request_sha256)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *),
         history AS (
           INSERT INTO agent_task_events (task_id, type, status, attempt, actor, detail)
           SELECT task.task_id, e.type, e.status, 0, e.actor, e.detail
           FROM task, ROWS FROM (json_to_recordset($17::json) AS (type text, status text, actor text, detail text)) WITH ORDINALITY AS e(type, status, actor, detail, n)
           ORDER BY e.n)
         SELECT * FROM task`,
        [
          taskId,
          d.kind,
          input.clientId,
          parameters,
          input.requestedBy,
          d.lane,
          JSON.stringify(input.policy),
          blocked ? 'blocked' : 'dispatched',
          blocked ? 0 : 1,
          d.maxAttempts,
          d.timeoutMs,
          JSON.stringify(blockers),
          traceId,
          input.replayOf ?? null,
          input.idempotencyKey ?? null,
          requestSha256,
          // In order: the history numbers these entries as they are inserted.
          JSON.stringify([created, next].map((e) => ({ ...e, detail: JSON.stringify(e.detail) }))),
        ],
      ),
    );
    return task;
  }

  async get(taskId: string, m: EntityManager = this.ds.manager): Promise<TaskRow | undefined> {
    const rows: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE task_id = $1`, [taskId]);
    return rows[0];
  }

  async detail(taskId: string): Promise<TaskDetail | undefined> {
    const task = await this.get(taskId);
    if (!task) return undefined;
    const [history, artifacts, spans] = await Promise.all([
      this.ds.query(`${numberedEvents} ORDER BY task_event_no`, [taskId]) as Promise<EventRow[]>,
      this.ds.query(`SELECT * FROM agent_task_artifacts WHERE task_id = $1 ORDER BY name`, [taskId]) as Promise<ArtifactRow[]>,
      this.ds.query(`SELECT * FROM agent_task_spans WHERE task_id = $1 ORDER BY started_at, span_id`, [taskId]) as Promise<SpanRow[]>,
    ]);
    return toDetail(task, history, artifacts, spans);
  }

  async artifacts(taskId: string): Promise<ArtifactRow[]> {
    return this.ds.query(`SELECT * FROM agent_task_artifacts WHERE task_id = $1 ORDER BY name`, [taskId]);
  }

  /** History after the task's event number `afterSeq` (the progress stream resumes from Last-Event-ID). */
  async history(taskId: string, afterSeq = 0): Promise<TaskHistoryEvent[]> {
    const rows: EventRow[] = await this.ds.query(`SELECT * FROM (${numberedEvents}) numbered WHERE task_event_no > $2 ORDER BY task_event_no`, [
      taskId,
      afterSeq,
    ]);
    return rows.map(toEvent);
  }

  /** Newest first; `visible` is the caller's client scope, applied in the query. */
  async list(query: TaskListQuery, visible: VisibleClients): Promise<TaskList> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (visible !== '*') add('client_id = ANY(?)', [...visible]);
    if (query.clientId) add('client_id = ?', query.clientId);
    if (query.status) add('status = ?', query.status);
    if (query.kind) add('kind = ?', query.kind);
    if (query.cursor) add('task_seq < ?', query.cursor);
    const rows: TaskRow[] = await this.ds.query(
      `SELECT * FROM agent_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY task_seq DESC LIMIT ${query.limit + 1}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    return { items: page.map(toSummary), nextCursor: rows.length > query.limit ? String(page[page.length - 1].task_seq) : null };
  }

  /**
   * Not yet running: cancelled at once. Running: the worker is asked (it sees the request on its
   * next heartbeat and aborts); a worker that died is settled by the watchdog.
   */
  async cancel(taskId: string, actor: string): Promise<TaskRow> {
    return this.ds.transaction(async (m) => {
      const task = await this.locked(m, taskId);
      if (terminalTaskStatuses.includes(task.status)) throw new TaskLedgerError('TASK_STATE_CONFLICT', `task is already ${task.status}`);
      if (task.status === 'running') {
        if (task.cancel_requested) return task;
        const [updated] = rowsOf<TaskRow>(
          await m.query(`UPDATE agent_tasks SET cancel_requested = TRUE, updated_at = now() WHERE task_id = $1 RETURNING *`, [taskId]),
        );
        await appendHistory(m, taskId, { type: 'cancel-requested', status: 'running', attempt: task.attempts, actor });
        return updated;
      }
      const [updated] = rowsOf<TaskRow>(
        await m.query(
          `UPDATE agent_tasks SET status = 'cancelled', cancel_requested = TRUE, blockers = '[]', finished_at = now(), updated_at = now() WHERE task_id = $1 RETURNING *`,
          [taskId],
        ),
      );
      await appendHistory(m, taskId, { type: 'cancelled', status: 'cancelled', attempt: task.attempts, actor, detail: { from: task.status } });
      return updated;
    });
  }

  /**
   * A blocked (mutating) task goes out once an operator approves it — an operator other than its
   * requester (four eyes); an admin may approve their own, and the policy and history say so.
   */
  async approve(taskId: string, approver: { subject: string; roles: readonly Role[] }): Promise<TaskRow> {
    return this.ds.transaction(async (m) => {
      const task = await this.locked(m, taskId);
      if (task.status !== 'blocked') throw new TaskLedgerError('TASK_STATE_CONFLICT', `only a blocked task can be approved; this one is ${task.status}`);
      const selfApproved = task.requested_by === approver.subject;
      if (selfApproved && !approver.roles.some((r) => hasAtLeast(r, 'admin'))) {
        throw new TaskLedgerError('TASK_SELF_APPROVAL', 'the requester of a mutating task cannot approve it; another operator must (or an admin)');
      }
      const previous = JSON.parse(task.policy) as PolicyDecision;
      const policy: PolicyDecision = {
        ...previous,
        decision: 'approved',
        reason: selfApproved ? `${task.kind} mutates; ${selfApprovalReason}` : previous.reason,
        approvedBy: approver.subject,
        approvedAt: new Date().toISOString(),
      };
      const [updated] = rowsOf<TaskRow>(
        await m.query(
          `UPDATE agent_tasks SET status = 'dispatched', policy = $2, blockers = '[]', dispatches = dispatches + 1, updated_at = now() WHERE task_id = $1 RETURNING *`,
          [taskId, JSON.stringify(policy)],
        ),
      );
      await appendHistory(m, taskId, {
        type: 'approved',
        status: 'dispatched',
        attempt: 0,
        actor: approver.subject,
        ...(selfApproved ? { detail: { selfApproved: true } } : {}),
      });
      const messageId = await addDispatchToOutbox(this.outbox, m, updated, updated.dispatches);
      await appendHistory(m, taskId, { type: 'dispatched', status: 'dispatched', attempt: 0, actor: 'agent-dispatcher', detail: { messageId } });
      return updated;
    });
  }

  async appendComparison(taskId: string, detail: Record<string, unknown>): Promise<void> {
    await this.ds.transaction(async (m) => {
      const task = await this.locked(m, taskId);
      await appendHistory(m, taskId, { type: 'replay-compared', status: task.status, attempt: task.attempts, actor: 'agent-dispatcher', detail });
    });
  }

  private async locked(m: EntityManager, taskId: string): Promise<TaskRow> {
    const rows: TaskRow[] = await m.query(`SELECT * FROM agent_tasks WHERE task_id = $1 FOR UPDATE`, [taskId]);
    if (!rows[0]) throw new TaskLedgerError('TASK_NOT_FOUND', `no task ${taskId}`);
    return rows[0];
  }
}
