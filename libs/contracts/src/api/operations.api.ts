import { z } from 'zod';
import { taskLaneSchema } from './tasks.api';

/**
 * The operations API (operators only): what the bus, the task lanes and the cluster are doing,
 * without SQL or kubectl. Counts come from bounded peeks, so a deep queue reports `capped`.
 */
export const queueDepthSchema = z.object({
  /** A queue name, or the topic of a subscription. */
  entity: z.string(),
  subscription: z.string().nullable(),
  active: z.number().int().min(0),
  scheduled: z.number().int().min(0),
  deadLettered: z.number().int().min(0),
  /** Seconds since the oldest active message was enqueued; null when none is waiting. */
  oldestActiveAgeSeconds: z.number().min(0).nullable(),
  /** A count reached the peek bound: the real figure is at least this. */
  capped: z.boolean(),
  /** Why this entity could not be read (the others are still reported). */
  error: z.string().nullable(),
});
export type QueueDepth = z.infer<typeof queueDepthSchema>;
export const queueDepthListSchema = z.object({ measuredAt: z.iso.datetime(), peekBound: z.number().int(), items: z.array(queueDepthSchema) });
export type QueueDepthList = z.infer<typeof queueDepthListSchema>;

export const laneWorkerLeaseSchema = z.object({
  workerId: z.string(),
  tasks: z.number().int().min(0),
  /** Seconds since the least recent heartbeat among its tasks. */
  oldestHeartbeatAgeSeconds: z.number().min(0).nullable(),
});
export const laneStatusSchema = z.object({
  lane: taskLaneSchema,
  queue: z.string(),
  /** Created or woken, not yet claimed by a worker. */
  queued: z.number().int().min(0),
  running: z.number().int().min(0),
  /** Running with a lapsed lease, or woken and untaken for longer than `stuckAfterSeconds`. */
  stuck: z.number().int().min(0),
  blocked: z.number().int().min(0),
  workers: z.array(laneWorkerLeaseSchema),
});
export type LaneStatus = z.infer<typeof laneStatusSchema>;
export const laneStatusListSchema = z.object({ measuredAt: z.iso.datetime(), stuckAfterSeconds: z.number().int(), items: z.array(laneStatusSchema) });
export type LaneStatusList = z.infer<typeof laneStatusListSchema>;

export const kedaObjectStatusSchema = z.object({
  kind: z.enum(['ScaledObject', 'ScaledJob']),
  name: z.string(),
  ready: z.boolean(),
  active: z.boolean(),
  /** The Ready condition's message when not ready. */
  message: z.string().nullable(),
  /** The scale target's current replicas (ScaledObject) or running Jobs (ScaledJob). */
  currentReplicas: z.number().int().min(0),
  maxReplicas: z.number().int().min(0).nullable(),
});
export const workloadPodSchema = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number().int().min(0),
  /** The Job that owns the pod (a long-lane task), if any. */
  job: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
});
export const workloadJobSchema = z.object({
  name: z.string(),
  /** Running, Succeeded or Failed, from the Job's status. */
  phase: z.enum(['Running', 'Succeeded', 'Failed', 'Pending']),
  active: z.number().int().min(0),
  failed: z.number().int().min(0),
  startedAt: z.iso.datetime().nullable(),
});
export const clusterStatusSchema = z.discriminatedUnion('available', [
  z.object({ available: z.literal(false), reason: z.string() }),
  z.object({
    available: z.literal(true),
    namespace: z.string(),
    keda: z.array(kedaObjectStatusSchema),
    laneWorkerPods: z.array(workloadPodSchema),
    laneWorkerJobs: z.array(workloadJobSchema),
  }),
]);
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;
export type KedaObjectStatus = z.infer<typeof kedaObjectStatusSchema>;
export type WorkloadPod = z.infer<typeof workloadPodSchema>;
export type WorkloadJob = z.infer<typeof workloadJobSchema>;
