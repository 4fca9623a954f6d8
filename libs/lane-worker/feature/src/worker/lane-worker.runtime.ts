import { hostname } from 'node:os';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { laneQueues } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { OutboxRelayHost } from '@leaf/service-kit';
import { DATA_SOURCE } from '@leaf/persistence';
import { ShutdownCoordinator, createLogger } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import { TaskKindRegistry } from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';
import type { LaneWorkerConfig } from '../lane-worker.config';
import { TaskWorker } from './task-worker';
import type { TaskExecutor } from './task-executor';

export const LANE_WORKER_CONFIG = Symbol('leaf.lane-worker.config');
export const TASK_EXECUTORS = Symbol('leaf.lane-worker.executors');

/**
 * Starts the worker and the outbox relay (task events) once the app is up, and registers them
 * with the shutdown sequence: SIGTERM drains (finish or release within the grace period).
 */
@Injectable()
export class LaneWorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly worker: TaskWorker;
  private drained: Promise<void> | undefined;

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    @Inject(LAKE) lake: Lake,
    @Inject(LANE_WORKER_CONFIG) config: LaneWorkerConfig,
    @Inject(TASK_EXECUTORS) executors: Map<string, TaskExecutor>,
    private readonly shutdown: ShutdownCoordinator,
  ) {
    const logger = createLogger({ service: 'lane-worker', level: config.LOG_LEVEL });
    this.worker = new TaskWorker(ds, bus, lake, new TaskKindRegistry(), executors, {
      workerId: `${hostname()}/${process.pid}`,
      concurrency: config.LEAF_LANE_WORKER_CONCURRENCY,
      heartbeatMs: config.LEAF_TASK_HEARTBEAT_MS,
      leaseMs: config.LEAF_TASK_LEASE_MS,
      retryBaseMs: config.LEAF_TASK_RETRY_BASE_MS,
      drainMs: Math.max(0, config.LEAF_SHUTDOWN_GRACE_MS - 5_000),
      logger,
      queues: config.LEAF_LANE_QUEUE === 'all' ? [laneQueues.short, laneQueues.long] : [config.LEAF_LANE_QUEUE],
      workspaceDir: config.LEAF_TASK_WORKSPACE_DIR,
      onOutboxWritten: () => this.relay.notify(),
      // A long-lane Job: after its one task the process shuts down as on SIGTERM (the relay
      // drains the task's events first) and the Job completes; KEDA starts a Job per message.
      onOneTaskDone: config.LEAF_LANE_WORKER_ONE_TASK
        ? () => {
            logger.info('one task done; shutting down (LEAF_LANE_WORKER_ONE_TASK)');
            setImmediate(() => process.kill(process.pid, 'SIGTERM'));
          }
        : undefined,
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
    this.shutdown.onDrain({ name: 'lane-worker', drain: () => this.drain() });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private drain(): Promise<void> {
    this.drained ??= (async () => {
      await this.worker.drain();
      // The task's events go out before the kit's relay stops.
      await this.relay.drain().catch(() => undefined);
    })();
    return this.drained;
  }
}
