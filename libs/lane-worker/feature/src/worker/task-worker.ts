import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentTaskV1, laneQueues, type LaneQueueName, type TopicName } from '@leaf/contracts';
import { addToOutbox, isMessagingError, type ConsumerHandle, type HandlerContext, type MessageBus, type ReceivedMessage } from '@leaf/messaging';
import { TaskKindRegistry, TaskLeases, dispatchMessageId, isTaskLedgerError, queueOfLane, type Lease } from '@leaf/task-ledger';
import type { Lake } from '@leaf/storage';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { TaskError, isTaskError } from './task-error';
import type { ArtifactRef, TaskExecutor, TaskOutcome } from './task-executor';
import { LeaseHeartbeats } from './lease-heartbeats';
import { TraceRecorder } from './trace-recorder';

export interface TaskWorkerOptions {
  /** Shown as the lease owner and actor in the history: host/pod and process. */
  workerId: string;
  concurrency: number;
  heartbeatMs: number;
  /** A lease not renewed for this long is presumed dead (a few heartbeats). */
  leaseMs: number;
  retryBaseMs: number;
  /** On shutdown, a running task gets this long to finish before it is released. */
  drainMs: number;
  logger: Logger;
  /** The lane queues this worker consumes (default: both). */
  queues?: readonly LaneQueueName[];
  /** Where task workspaces are made (default: the OS temporary folder). */
  workspaceDir?: string;
  /**
   * One task, then stop taking more (a long-lane Job): called once the first task this worker
   * claimed has settled. Messages arriving meanwhile are abandoned untouched for another Job.
   */
  onOneTaskDone?: () => void;
  /** Called after a commit that wrote the task's events into the outbox: wakes the relay (no poll delay). */
  onOutboxWritten?: () => void;
}

type StopReason = 'cancelled' | 'timeout' | 'lease-lost' | 'shutdown';

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(`task stopped: ${reason}`);
  }
}

interface Running {
  controller: AbortController;
}

/**
 * lane-worker's consumer of `agent-tasks`. A message is only a wake-up: the worker claims the
 * task in the ledger (a lease fenced by attempt), heartbeats it, runs it in its own workspace
 * with an abort signal (cancel, timeout, lease loss, shutdown), and records the outcome in one
 * fenced transaction, so a task's effect lands once however often its message is delivered.
 */
export class TaskWorker {
  private readonly running = new Set<Running>();
  private readonly leases: TaskLeases;
  private readonly heartbeats: LeaseHeartbeats;
  private readonly consumers: ConsumerHandle[] = [];
  /** Consumers a one-task worker closed when it took its message (each close ends after its handler). */
  private readonly closing: Promise<void>[] = [];
  private draining = false;
  private drained: Promise<void> | undefined;
  /** In one-task mode: set when the first message is taken, so no second task starts in this process. */
  private taken = false;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly lake: Lake,
    private readonly registry: TaskKindRegistry,
    private readonly executors: ReadonlyMap<string, TaskExecutor>,
    private readonly options: TaskWorkerOptions,
  ) {
    this.leases = new TaskLeases(ds, { leaseMs: options.leaseMs });
    this.heartbeats = new LeaseHeartbeats(this.leases, options.heartbeatMs, options.logger);
  }

  start(): void {
    this.draining = false;
    this.drained = undefined;
    this.taken = false;
    const longest = Math.max(...this.registry.list().map((k) => k.timeoutMs));
    const oneTask = this.options.onOneTaskDone !== undefined;
    for (const queue of this.options.queues ?? [laneQueues.short, laneQueues.long]) {
      this.consumers.push(
        this.bus.subscribe({ queue }, (m, c) => this.handle(m, c), {
          maxConcurrentCalls: oneTask ? 1 : this.options.concurrency,
          maxAutoLockRenewalMs: longest + 60_000,
        }),
      );
    }
  }

  /** SIGTERM: take nothing new; let running tasks finish within `drainMs`, then release them. */
  drain(): Promise<void> {
    this.drained ??= this.stop();
    return this.drained;
  }

  private async stop(): Promise<void> {
    this.draining = true;
    const timer = setTimeout(() => {
      for (const r of this.running) r.controller.abort(new Stop('shutdown'));
    }, this.options.drainMs);
    try {
      await Promise.all([...this.consumers.splice(0).map((c) => c.close()), ...this.closing.splice(0)]);
    } finally {
      clearTimeout(timer);
    }
  }

  get inFlight(): number {
    return this.running.size;
  }

  private async handle(message: ReceivedMessage, settle: HandlerContext): Promise<void> {
    const parsed = agentTaskV1.safeParse(message.body);
    if (!parsed.success) {
      await settle.deadLetter({ reason: 'schema-invalid', description: 'the message is not an agent-tasks command' });
      return;
    }
    const { taskId, kind } = parsed.data;
    if (this.draining || (this.options.onOneTaskDone && this.taken)) {
      await settle.abandon();
      return;
    }
    if (this.options.onOneTaskDone) {
      this.taken = true;
      // A Job takes one message: stop receiving now. Otherwise the next message is received and
      // abandoned again and again while this task runs, each abandon a delivery, until it is
      // dead-lettered instead of left for the next Job. (Close waits for this handler: not awaited.)
      // Drain waits for that close too, so a SIGTERM while the task runs still lets it finish.
      this.closing.push(
        Promise.all(this.consumers.splice(0).map((c) => c.close())).then(
          () => undefined,
          () => undefined,
        ),
      );
      try {
        await this.take(taskId, kind, message, settle);
      } finally {
        this.options.onOneTaskDone();
      }
      return;
    }
    await this.take(taskId, kind, message, settle);
  }

  private async take(taskId: string, kind: string, message: ReceivedMessage, settle: HandlerContext): Promise<void> {
    const definition = this.registry.get(kind);
    const executor = this.executors.get(kind);
    if (!definition || !executor) {
      await this.leases.poison(taskId, this.options.workerId, `no executor for kind ${kind}`);
      await settle.deadLetter({ reason: 'UnknownKind', description: `no executor for kind ${kind}` });
      return;
    }
    const claim = await this.leases.claim(taskId, this.options.workerId, definition.concurrency);
    switch (claim.outcome) {
      case 'skip':
        await settle.complete();
        return;
      case 'exhausted':
        await settle.deadLetter({ reason: 'MaxAttemptsExceeded', description: `task ${taskId} used its attempts` });
        return;
      case 'throttled': {
        const delay = 500 + Math.floor(Math.random() * 1500);
        await this.bus.schedule(
          queueOfLane(definition.lane),
          { ...this.wakeUp(message), messageId: dispatchMessageId(taskId, Date.now(), 't') },
          new Date(Date.now() + delay),
        );
        await settle.complete();
        return;
      }
      case 'claimed':
        break;
    }
    const lease = claim.lease;
    const check = this.registry.checkParameters(definition, lease.task.parameters ? JSON.parse(lease.task.parameters) : {});
    if (!check.ok) {
      await this.settleFailure(
        lease,
        message,
        settle,
        new TaskError('POISON_TASK', `parameters no longer valid: ${check.problems.map((p) => p.path).join(', ')}`, false),
        [],
        true,
      );
      return;
    }
    await this.runClaimed(lease, executor, check.parameters, definition.timeoutMs, message, settle);
  }

  private async runClaimed(
    lease: Lease,
    executor: TaskExecutor,
    parameters: Record<string, unknown>,
    timeoutMs: number,
    message: ReceivedMessage,
    settle: HandlerContext,
  ): Promise<void> {
    const workspace = await mkdtemp(join(this.options.workspaceDir ?? tmpdir(), `leaf-task-${lease.taskId}-${lease.attempt}-`));
    const controller = new AbortController();
    const entry: Running = { controller };
    this.running.add(entry);
    const recorder = new TraceRecorder(lease.task.trace_id, lease.attempt);
    const timeout = setTimeout(() => controller.abort(new Stop('timeout')), timeoutMs);
    const stopBeating = this.heartbeats.add(lease, (beat) => {
      if (!beat.held) controller.abort(new Stop('lease-lost'));
      else if (beat.cancelRequested) controller.abort(new Stop('cancelled'));
    });
    try {
      const outcome = await recorder.span(
        `task ${lease.task.kind}`,
        { 'leaf.task.id': lease.taskId, 'leaf.task.kind': lease.task.kind, 'leaf.client.id': lease.task.client_id },
        () =>
          this.abortable(
            controller.signal,
            executor.run({
              taskId: lease.taskId,
              attempt: lease.attempt,
              kind: lease.task.kind,
              clientId: lease.task.client_id,
              parameters,
              requestedBy: lease.task.requested_by,
              traceId: lease.task.trace_id,
              signal: controller.signal,
              workspace,
              lake: this.lake,
              checkpoint: lease.task.checkpoint ? (JSON.parse(lease.task.checkpoint) as Record<string, unknown>) : null,
              saveCheckpoint: (data) => this.leases.checkpoint(lease, data),
              progress: (detail) => this.leases.progress(lease, detail),
              span: (name, attributes, work) => recorder.span(name, attributes, work),
              writeArtifact: (name, content, contentType) => this.writeArtifact(name, content, contentType, lease.taskId),
            }),
          ),
      );
      stopBeating();
      await this.settleSuccess(lease, outcome, recorder, settle);
    } catch (error) {
      stopBeating();
      await this.settleFailure(lease, message, settle, error, recorder.spans, false);
    } finally {
      clearTimeout(timeout);
      stopBeating();
      this.running.delete(entry);
      await rm(workspace, { recursive: true, force: true });
    }
  }

  /** Resolves with the work, or rejects as soon as the signal aborts (an executor that ignores it is not waited for). */
  private abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async writeArtifact(name: string, content: Buffer | string, contentType: string, taskId: string): Promise<ArtifactRef> {
    const object = await this.lake.put('artifacts', content, { contentType, metadata: { task: taskId } });
    return { name, sha256: object.sha256, bytes: object.size, contentType: object.contentType, lakeKey: object.key };
  }

  private async settleSuccess(lease: Lease, outcome: TaskOutcome, recorder: TraceRecorder, settle: HandlerContext): Promise<void> {
    try {
      await this.leases.succeed(lease, {
        result: outcome.result,
        artifacts: outcome.artifacts,
        spans: recorder.spans,
        effect: async (m) => {
          await outcome.effect?.(m);
          await this.announce(m, 'agent.task-succeeded.v1', lease);
        },
      });
      this.options.onOutboxWritten?.();
    } catch (error) {
      if (!isTaskLedgerError(error, 'TASK_LEASE_LOST')) throw error;
      // Another attempt owns the task now; this one's work is discarded, its message settled.
      this.options.logger.warn({ taskId: lease.taskId, attempt: lease.attempt }, 'lease lost before success was recorded');
    }
    await this.quietly(() => settle.complete());
  }

  private async settleFailure(
    lease: Lease,
    message: ReceivedMessage,
    settle: HandlerContext,
    error: unknown,
    spans: TraceRecorder['spans'],
    poison: boolean,
  ): Promise<void> {
    const stop = error instanceof Stop ? error.reason : undefined;
    try {
      if (stop === 'lease-lost') {
        await this.quietly(() => settle.complete());
        return;
      }
      if (stop === 'shutdown') {
        await this.leases.release(lease, 'worker shutting down');
        await this.quietly(() => settle.abandon());
        return;
      }
      if (stop === 'cancelled') {
        await this.leases.cancelled(lease, spans);
        await this.quietly(() => settle.complete());
        return;
      }
      const failure =
        stop === 'timeout'
          ? new TaskError('TASK_TIMEOUT', `the task ran past its timeout`, true)
          : isTaskError(error)
            ? error
            : new TaskError('TASK_ERROR', error instanceof Error ? error.message : String(error), true, { cause: error });
      const backoffMs = Math.min(60_000, this.options.retryBaseMs * 2 ** (lease.attempt - 1)) + Math.floor(Math.random() * this.options.retryBaseMs);
      const outcome = await this.leases.fail(lease, {
        code: failure.code,
        detail: failure.message,
        retryable: failure.retryable && !poison,
        backoffMs,
        spans,
        effect: (m) => (failure.retryable && !poison ? Promise.resolve() : this.announce(m, 'agent.task-failed.v1', lease, failure.message)),
      });
      if (outcome.outcome !== 'retry') this.options.onOutboxWritten?.();
      if (outcome.outcome === 'retry') {
        // The retry's wake-up goes to the lane the task was dispatched on (the ledger records it).
        await this.bus.schedule(
          queueOfLane(lease.task.lane),
          { ...this.wakeUp(message), messageId: dispatchMessageId(lease.taskId, lease.attempt + 1, 'r') },
          new Date(Date.now() + backoffMs),
        );
        await this.quietly(() => settle.complete());
      } else if (outcome.outcome === 'dead-lettered') {
        await this.quietly(() => settle.deadLetter({ reason: poison ? 'PoisonTask' : 'MaxAttemptsExceeded', description: failure.message.slice(0, 1000) }));
      } else {
        await this.quietly(() => settle.complete());
      }
    } catch (settleError) {
      if (!isTaskLedgerError(settleError, 'TASK_LEASE_LOST')) throw settleError;
      await this.quietly(() => settle.complete());
    }
  }

  private wakeUp(message: ReceivedMessage) {
    return {
      body: agentTaskV1.parse(message.body),
      correlationId: message.correlationId,
      subject: message.subject,
      applicationProperties: message.applicationProperties,
    };
  }

  private async announce(m: EntityManager, topic: Extract<TopicName, `agent.task-${string}`>, lease: Lease, detail?: string): Promise<void> {
    await addToOutbox(m, topic, {
      messageId: `${lease.taskId}.${topic.split('.')[1]}`,
      correlationId: lease.taskId,
      body: {
        taskId: lease.taskId,
        kind: lease.task.kind,
        clientId: lease.task.client_id,
        attempt: lease.attempt,
        at: new Date().toISOString(),
        detail: detail?.slice(0, 2000),
      },
    });
  }

  /** A settlement after the lock expired fails; the ledger already holds the outcome, so the redelivery is a no-op. */
  private async quietly(settle: () => Promise<void>): Promise<void> {
    try {
      await settle();
    } catch (error) {
      if (!isMessagingError(error)) throw error;
      this.options.logger.debug({ code: error.code }, 'settlement after the lock was lost; the redelivery will find the task settled');
    }
  }
}
