import { Inject, Injectable } from '@nestjs/common';
import {
  terminalTaskStatuses,
  type CreateTask,
  type Identity,
  type TaskArtifact,
  type TaskDetail,
  type TaskHistoryEvent,
  type TaskList,
  type TaskListQuery,
  type TaskStatus,
} from '@leaf/contracts';
import { AppError, IdentitySigner, assertClientVisible, assertRole, canSeeClient, viewFor, visibleClientIds } from '@leaf/platform';
import { OutboxRelayHost } from '@leaf/service-kit';
import { LAKE, type Lake } from '@leaf/storage';
import { TaskKindRegistry, isTaskLedgerError, type TaskLedger, type TaskRow } from '@leaf/task-ledger';
import type { Readable } from 'node:stream';
import type { AgentDispatcherConfig } from '../agent-dispatcher.config';
import { DispatcherRuntime } from '../runtime/dispatcher.runtime';
import { TaskNotifier } from '../runtime/task-notifier';
import { TaskReferences } from './task-references';
import { toNewTask } from './task-requests';
import { AGENT_DISPATCHER_CONFIG_TOKEN, TASK_KINDS } from './tasks.tokens';

/** Ledger errors as the platform's typed errors (problem+json at the edge). */
function asAppError(error: unknown): never {
  if (isTaskLedgerError(error, 'TASK_NOT_FOUND')) throw new AppError('NOT_FOUND', 'no such task', { cause: error });
  if (isTaskLedgerError(error, 'TASK_SELF_APPROVAL')) throw new AppError('FORBIDDEN', error.message, { cause: error });
  if (isTaskLedgerError(error, 'TASK_STATE_CONFLICT') || isTaskLedgerError(error, 'TASK_IDEMPOTENCY_CONFLICT'))
    throw new AppError('CONFLICT', error.message, { cause: error });
  throw error;
}

/** What a progress stream yields: each history entry (as the caller may see it), then the end once the task is finished. */
export type TaskStreamItem = { type: 'event'; event: TaskHistoryEvent } | { type: 'end'; taskId: string; status: TaskStatus };

/** One artifact of a task, ready to be sent as a file. */
export interface TaskArtifactFile {
  artifact: TaskArtifact;
  fileName: string;
  content: Readable;
}

/**
 * The task use cases between the HTTP edge and the ledger: who may see, create, cancel, approve
 * and replay which task, and what happens after a commit (the relay woken for the outbox rows the
 * ledger wrote, the task's progress streams woken). Controllers only map HTTP onto these calls.
 */
@Injectable()
export class TasksService {
  private readonly references: TaskReferences;
  private readonly ledger: TaskLedger;

  constructor(
    private readonly runtime: DispatcherRuntime,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    private readonly notifier: TaskNotifier,
    @Inject(TASK_KINDS) private readonly registry: TaskKindRegistry,
    @Inject(AGENT_DISPATCHER_CONFIG_TOKEN) private readonly config: AgentDispatcherConfig,
    @Inject(IdentitySigner) signer: IdentitySigner,
    @Inject(LAKE) private readonly lake: Lake,
  ) {
    this.ledger = runtime.ledger;
    this.references = new TaskReferences(config.LEAF_CLAIMS_RUNTIME_URL, signer, config.LEAF_REFERENCE_CHECK_TIMEOUT_MS);
  }

  /** A new task, or the one an earlier request with the same Idempotency-Key created (`created: false`). */
  async create(body: CreateTask, idempotencyKey: string | undefined, caller: Identity, requestId?: string): Promise<{ task: TaskDetail; created: boolean }> {
    const newTask = toNewTask(this.registry, body, caller, idempotencyKey);
    await this.references.assertOwnedBy(newTask.definition, newTask.clientId, newTask.parameters, caller, requestId);
    const { task, created } = await this.ledger.create(newTask).catch(asAppError);
    if (created) this.relay.notify();
    return { task: await this.detail(task.task_id, caller), created };
  }

  async list(query: TaskListQuery, caller: Identity): Promise<TaskList> {
    if (query.clientId) assertClientVisible(caller, query.clientId);
    return viewFor(caller, await this.ledger.list(query, visibleClientIds(caller)));
  }

  async get(taskId: string, caller: Identity): Promise<TaskDetail> {
    await this.visible(taskId, caller);
    return this.detail(taskId, caller);
  }

  /** The requester, or an operator, may cancel. */
  async cancel(taskId: string, caller: Identity): Promise<TaskDetail> {
    const task = await this.visible(taskId, caller);
    if (task.requested_by !== caller.subject) assertRole(caller, 'operator');
    await this.ledger.cancel(taskId, caller.subject).catch(asAppError);
    this.notifier.notify(taskId);
    return this.detail(taskId, caller);
  }

  /** The role check (operator) is the edge's; four eyes and the state are the ledger's. */
  async approve(taskId: string, caller: Identity): Promise<TaskDetail> {
    await this.visible(taskId, caller);
    await this.ledger.approve(taskId, caller).catch(asAppError);
    this.relay.notify();
    this.notifier.notify(taskId);
    return this.detail(taskId, caller);
  }

  /** Re-runs a finished deterministic task from its recorded parameters; the new task compares its artifacts by hash. */
  async replay(taskId: string, caller: Identity): Promise<TaskDetail> {
    const original = await this.visible(taskId, caller);
    const definition = this.registry.get(original.kind);
    if (!definition?.deterministic) throw new AppError('CONFLICT', `${original.kind} is not deterministic; it cannot be replayed`);
    if (original.status !== 'succeeded') throw new AppError('CONFLICT', `only a succeeded task can be replayed; this one is ${original.status}`);
    const request = toNewTask(
      this.registry,
      { kind: original.kind, clientId: original.client_id, parameters: JSON.parse(original.parameters), approve: false },
      caller,
      undefined,
    );
    await this.references.assertOwnedBy(request.definition, request.clientId, request.parameters, caller);
    const { task } = await this.ledger.create({ ...request, replayOf: taskId }).catch(asAppError);
    this.relay.notify();
    return this.detail(task.task_id, caller);
  }

  /**
   * The task's history after its event number `afterSeq`, then each new entry as it is written,
   * until the task is finished (the end) or `signal` aborts. Throws NOT_FOUND before the first item
   * for a task the caller may not see. Shutdown ends the stream too (the runtime aborts it).
   */
  async follow(taskId: string, afterSeq: number, caller: Identity, signal: AbortSignal): Promise<AsyncIterable<TaskStreamItem>> {
    await this.visible(taskId, caller);
    return this.stream(taskId, afterSeq, caller, signal);
  }

  private async *stream(taskId: string, afterSeq: number, caller: Identity, signal: AbortSignal): AsyncGenerator<TaskStreamItem> {
    const stream = this.runtime.openStream();
    const abort = () => stream.abort();
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    let after = afterSeq;
    try {
      while (!stream.signal.aborted) {
        const events = await this.ledger.history(taskId, after);
        for (const e of events) {
          yield { type: 'event', event: viewFor(caller, e) };
          after = e.seq;
        }
        const task = await this.ledger.get(taskId);
        if (task && terminalTaskStatuses.includes(task.status) && events.length === 0) {
          yield { type: 'end', taskId, status: task.status };
          return;
        }
        await this.notifier.wait(taskId, this.config.LEAF_TASK_STREAM_POLL_MS, stream.signal);
      }
    } finally {
      signal.removeEventListener('abort', abort);
      stream.abort();
    }
  }

  /** The lake object the task recorded under `name` (its last attempt's, when several wrote one). */
  async artifact(taskId: string, name: string, caller: Identity): Promise<TaskArtifactFile> {
    const task = await this.visible(taskId, caller);
    const detail = await this.ledger.detail(taskId);
    const artifact = (detail?.artifacts ?? []).filter((a) => a.name === name).sort((a, b) => b.attempt - a.attempt)[0];
    if (!artifact) throw new AppError('NOT_FOUND', `task ${taskId} has no artifact ${name}`);
    return { artifact, fileName: `${task.client_id}_${taskId}_${name}`, content: await this.lake.open(artifact.lakeKey) };
  }

  private async visible(taskId: string, caller: Identity): Promise<TaskRow> {
    const task = await this.ledger.get(taskId);
    // Another client's task is as absent as a task that never existed.
    if (!task || !canSeeClient(caller, task.client_id)) throw new AppError('NOT_FOUND', 'no such task');
    return task;
  }

  /** The task as the caller may see it: below operator, internals in error texts and history are withheld. */
  private async detail(taskId: string, caller: Identity): Promise<TaskDetail> {
    const detail = await this.ledger.detail(taskId);
    if (!detail) throw new AppError('NOT_FOUND', 'no such task');
    return viewFor(caller, detail);
  }
}
