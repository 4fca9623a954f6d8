import { defineService } from '@leaf/service-kit';
import { laneWorkerConfigSchema, type LaneWorkerConfig } from './lane-worker.config';
import { builtInExecutors } from './worker/executors';
import { LANE_WORKER_CONFIG, LaneWorkerRuntime, TASK_EXECUTORS } from './worker/lane-worker.runtime';

/**
 * lane-worker: KEDA-scaled workers that run agent-tasks with leases, heartbeats, workspaces,
 * traces and artifacts (see TaskWorker).
 */
export const laneWorkerService = defineService<LaneWorkerConfig>(
  'lane-worker',
  (config) => ({
    providers: [
      { provide: LANE_WORKER_CONFIG, useValue: config },
      { provide: TASK_EXECUTORS, useFactory: () => builtInExecutors(config) },
      LaneWorkerRuntime,
    ],
  }),
  { configSchema: laneWorkerConfigSchema },
);
