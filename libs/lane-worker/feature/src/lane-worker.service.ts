import { outboxMigrations } from '@leaf/messaging';
import { taskLedgerMigrations } from '@leaf/task-ledger';
import { IdentitySigner } from '@leaf/platform';
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
      {
        provide: TASK_EXECUTORS,
        inject: [IdentitySigner],
        // Calls carry lane-worker's own signed identity, limited to the task's client.
        useFactory: (signer: IdentitySigner) =>
          builtInExecutors(config, ({ clientId }) =>
            signer.headers({ subject: 'service:lane-worker', roles: ['operator'], clientIds: [clientId], issuer: 'service' }),
          ),
      },
      LaneWorkerRuntime,
    ],
  }),
  { migrations: [...outboxMigrations.postgres, ...taskLedgerMigrations.postgres], configSchema: laneWorkerConfigSchema },
);
