import type { PolicyDecision, TaskArtifact, TaskBlocker, TaskDetail, TaskHistoryEvent, TaskLane, TaskSpan, TaskStatus, TaskSummary } from '@leaf/contracts';
import { iso } from './sql-rows';
import { publicActor } from './worker-ref';

/** A row of `agent_tasks` as PostgreSQL returns it. */
export interface TaskRow {
  task_seq: string;
  task_id: string;
  kind: string;
  client_id: string;
  parameters: string;
  requested_by: string;
  lane: TaskLane;
  policy: string;
  status: TaskStatus;
  attempts: number;
  releases: number;
  dispatches: number;
  max_attempts: number;
  timeout_ms: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  heartbeat_at: Date | null;
  cancel_requested: boolean;
  blockers: string;
  trace_id: string;
  checkpoint: string | null;
  result: string | null;
  error_code: string | null;
  error_detail: string | null;
  replay_of: string | null;
  idempotency_key: string | null;
  request_sha256: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface EventRow {
  event_seq: string;
  /** The event's number within its task (1, 2, …), computed by the query: what `seq` shows. */
  task_event_no?: string;
  task_id: string;
  type: TaskHistoryEvent['type'];
  status: TaskStatus;
  attempt: number;
  actor: string;
  detail: string;
  at: Date;
}

export interface ArtifactRow {
  name: string;
  attempt: number;
  sha256: string;
  bytes: string;
  content_type: string;
  lake_key: string;
}

export interface SpanRow {
  span_id: string;
  parent_span_id: string | null;
  attempt: number;
  name: string;
  started_at: Date;
  duration_ms: number;
  status: 'ok' | 'error';
  attributes: string;
}

export const toSummary = (r: TaskRow): TaskSummary => ({
  taskId: r.task_id,
  kind: r.kind,
  clientId: r.client_id,
  status: r.status,
  lane: r.lane,
  attempts: r.attempts,
  requestedBy: r.requested_by,
  createdAt: iso(r.created_at) as string,
  updatedAt: iso(r.updated_at) as string,
  finishedAt: iso(r.finished_at),
});

/**
 * `seq` is the event's number within its task, not the table's global sequence: global numbers
 * and their gaps would tell one client how busy the others are.
 */
export const toEvent = (e: EventRow): TaskHistoryEvent => {
  const detail = JSON.parse(e.detail) as Record<string, unknown>;
  if (typeof detail['leaseOwner'] === 'string') detail['leaseOwner'] = publicActor(detail['leaseOwner']);
  return {
    seq: Number(e.task_event_no ?? e.event_seq),
    type: e.type,
    status: e.status,
    attempt: e.attempt,
    actor: publicActor(e.actor),
    at: iso(e.at) as string,
    detail,
  };
};

export const toArtifact = (a: ArtifactRow): TaskArtifact => ({
  name: a.name,
  sha256: a.sha256,
  bytes: Number(a.bytes),
  contentType: a.content_type,
  lakeKey: a.lake_key,
  attempt: a.attempt,
});

export const toSpan = (s: SpanRow): TaskSpan => ({
  spanId: s.span_id,
  parentSpanId: s.parent_span_id,
  name: s.name,
  attempt: s.attempt,
  startedAt: iso(s.started_at) as string,
  durationMs: Number(s.duration_ms),
  status: s.status,
  attributes: JSON.parse(s.attributes) as TaskSpan['attributes'],
});

export function toDetail(r: TaskRow, history: EventRow[], artifacts: ArtifactRow[], spans: SpanRow[]): TaskDetail {
  return {
    ...toSummary(r),
    parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    policy: JSON.parse(r.policy) as PolicyDecision,
    maxAttempts: r.max_attempts,
    lease: { owner: r.lease_owner === null ? null : publicActor(r.lease_owner), expiresAt: iso(r.lease_expires_at), heartbeatAt: iso(r.heartbeat_at) },
    cancelRequested: r.cancel_requested,
    blockers: JSON.parse(r.blockers) as TaskBlocker[],
    traceId: r.trace_id,
    trace: spans.map(toSpan),
    artifacts: artifacts.map(toArtifact),
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    error: r.error_code === null ? null : { code: r.error_code, detail: r.error_detail ?? '' },
    replayOf: r.replay_of,
    history: history.map(toEvent),
  };
}
