import { z } from 'zod';
import { sha256Schema as sha256 } from '../hashing/sha256';
import { clientIdSchema } from '../pbm/client';
import { artifactFileNameSchema } from './artifact-names';

const at = z.iso.datetime();

export const taskIdSchema = z.string().regex(/^tsk_[a-z0-9]{26}$/, 'task id must look like tsk_<26 characters>');
export const taskKindNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'kind must look like domain.action')
  .max(64);

export const taskStatuses = ['queued', 'dispatched', 'running', 'blocked', 'succeeded', 'failed', 'cancelled', 'dead-lettered'] as const;
export const taskStatusSchema = z.enum(taskStatuses);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
/** Statuses a task never leaves. */
export const terminalTaskStatuses: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled', 'dead-lettered'];

export const taskLanes = ['short', 'long'] as const;
export const taskLaneSchema = z.enum(taskLanes);
export type TaskLane = z.infer<typeof taskLaneSchema>;

/** POST /v1/tasks (header `Idempotency-Key`: the same key and body give back the same task). */
export const createTaskSchema = z
  .object({
    kind: taskKindNameSchema,
    clientId: clientIdSchema,
    parameters: z.record(z.string(), z.unknown()).default({}),
    /** For kinds that mutate: an operator approves at creation instead of leaving the task blocked. */
    approve: z.boolean().default(false),
  })
  .strict();
export type CreateTask = z.infer<typeof createTaskSchema>;

export const taskParamsSchema = z.object({ taskId: taskIdSchema });

/** GET /v1/tasks/{taskId}/artifacts/{name}: a plain file name, never a path. */
export const taskArtifactParamsSchema = taskParamsSchema.extend({
  name: artifactFileNameSchema,
});
export type TaskArtifactParams = z.infer<typeof taskArtifactParamsSchema>;

export const policyDecisionSchema = z.object({
  decision: z.enum(['allowed', 'approval-required', 'approved']),
  reason: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: at.nullable(),
});
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

export const taskBlockerSchema = z.object({ code: z.string(), detail: z.string(), since: at });
export type TaskBlocker = z.infer<typeof taskBlockerSchema>;

/** An output: content-addressed in the lake (`lakeKey`), or recorded from the service that stored it. */
export const taskArtifactSchema = z.object({
  name: z.string().min(1).max(200),
  sha256,
  bytes: z.number().int().nonnegative(),
  contentType: z.string(),
  lakeKey: z.string(),
  attempt: z.number().int().min(1),
});
export type TaskArtifact = z.infer<typeof taskArtifactSchema>;

export const taskSpanSchema = z.object({
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  attempt: z.number().int(),
  startedAt: at,
  durationMs: z.number().nonnegative(),
  status: z.enum(['ok', 'error']),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type TaskSpan = z.infer<typeof taskSpanSchema>;

export const taskEventTypes = [
  'created',
  'blocked',
  'approved',
  'dispatched',
  'started',
  'progress',
  'heartbeat-lost',
  'retry-scheduled',
  'throttled',
  'released',
  'redispatched',
  'cancel-requested',
  'cancelled',
  'succeeded',
  'failed',
  'dead-lettered',
  'replay-compared',
] as const;
export const taskEventTypeSchema = z.enum(taskEventTypes);
export type TaskEventType = z.infer<typeof taskEventTypeSchema>;

/** One row of the append-only history. */
export const taskHistoryEventSchema = z.object({
  seq: z.number().int(),
  type: taskEventTypeSchema,
  status: taskStatusSchema,
  attempt: z.number().int(),
  actor: z.string(),
  at,
  detail: z.record(z.string(), z.unknown()),
});
export type TaskHistoryEvent = z.infer<typeof taskHistoryEventSchema>;

export const taskSummarySchema = z.object({
  taskId: taskIdSchema,
  kind: z.string(),
  clientId: clientIdSchema,
  status: taskStatusSchema,
  lane: taskLaneSchema,
  attempts: z.number().int(),
  requestedBy: z.string(),
  createdAt: at,
  updatedAt: at,
  finishedAt: at.nullable(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

/** GET /v1/tasks/{taskId} */
export const taskDetailSchema = taskSummarySchema.extend({
  parameters: z.record(z.string(), z.unknown()),
  policy: policyDecisionSchema,
  maxAttempts: z.number().int(),
  lease: z.object({ owner: z.string().nullable(), expiresAt: at.nullable(), heartbeatAt: at.nullable() }),
  cancelRequested: z.boolean(),
  blockers: z.array(taskBlockerSchema),
  traceId: z.string().regex(/^[a-f0-9]{32}$/),
  trace: z.array(taskSpanSchema),
  artifacts: z.array(taskArtifactSchema),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
  replayOf: taskIdSchema.nullable(),
  history: z.array(taskHistoryEventSchema),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

/** GET /v1/tasks?status=&kind=&clientId=&cursor=&limit= (newest first). */
export const taskListQuerySchema = z.object({
  status: taskStatusSchema.optional(),
  kind: taskKindNameSchema.optional(),
  clientId: clientIdSchema.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'cursor is the nextCursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

export const taskListSchema = z.object({ items: z.array(taskSummarySchema), nextCursor: z.string().nullable() });
export type TaskList = z.infer<typeof taskListSchema>;

/** How a replay's artifacts compare with the original's, by name and sha256. */
export const replayComparisonSchema = z.object({
  originalTaskId: taskIdSchema,
  identical: z.boolean(),
  differences: z.array(z.object({ name: z.string(), originalSha256: sha256.nullable(), replaySha256: sha256.nullable() })),
});
export type ReplayComparison = z.infer<typeof replayComparisonSchema>;
