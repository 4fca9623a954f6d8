import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  createTaskSchema,
  taskListQuerySchema,
  taskParamsSchema,
  terminalTaskStatuses,
  type CreateTask,
  type Identity,
  type TaskDetail,
  type TaskList,
  type TaskListQuery,
} from '@leaf/contracts';
import {
  AppError,
  CurrentIdentity,
  IdentitySigner,
  RequireRole,
  ZodPipe,
  idempotencyKeyOf,
  assertClientVisible,
  assertRole,
  canSeeClient,
  viewFor,
  visibleClientIds,
} from '@leaf/platform';
import { TaskKindRegistry, isTaskLedgerError, type TaskRow } from '@leaf/task-ledger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DispatcherRuntime } from '../runtime/dispatcher.runtime';
import { TaskNotifier } from '../runtime/task-notifier';
import { AGENT_DISPATCHER_CONFIG_TOKEN, TASK_KINDS } from './tasks.tokens';
import type { AgentDispatcherConfig } from '../agent-dispatcher.config';
import { TaskReferences } from './task-references';
import { toNewTask } from './task-requests';

/** Ledger errors as problem+json. */
function asAppError(error: unknown): never {
  if (isTaskLedgerError(error, 'TASK_NOT_FOUND')) throw new AppError('NOT_FOUND', 'no such task', { cause: error });
  if (isTaskLedgerError(error, 'TASK_SELF_APPROVAL')) throw new AppError('FORBIDDEN', error.message, { cause: error });
  if (isTaskLedgerError(error, 'TASK_STATE_CONFLICT') || isTaskLedgerError(error, 'TASK_IDEMPOTENCY_CONFLICT'))
    throw new AppError('CONFLICT', error.message, { cause: error });
  throw error;
}

/** The task API: create, list, read, cancel, approve, replay, and a live progress stream. */
@Controller('v1/tasks')
export class TasksController {
  private readonly references: TaskReferences;

  constructor(
    private readonly runtime: DispatcherRuntime,
    private readonly notifier: TaskNotifier,
    @Inject(TASK_KINDS) private readonly registry: TaskKindRegistry,
    @Inject(AGENT_DISPATCHER_CONFIG_TOKEN) private readonly config: AgentDispatcherConfig,
    @Inject(IdentitySigner) signer: IdentitySigner,
  ) {
    this.references = new TaskReferences(config.LEAF_CLAIMS_RUNTIME_URL, signer, config.LEAF_REFERENCE_CHECK_TIMEOUT_MS);
  }

  @Post()
  async create(
    @Body(new ZodPipe(createTaskSchema)) body: CreateTask,
    @Headers('idempotency-key') rawKey: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDetail> {
    const key = idempotencyKeyOf(rawKey);
    const newTask = toNewTask(this.registry, body, caller, key);
    await this.references.assertOwnedBy(newTask.definition, newTask.clientId, newTask.parameters, caller, request.id);
    const { task, created } = await this.runtime.ledger.create(newTask).catch(asAppError);
    if (created) this.runtime.relay.notify();
    void reply.status(created ? 201 : 200).header('location', `/v1/tasks/${task.task_id}`);
    return this.detail(task.task_id, caller);
  }

  @Get()
  async list(@Query(new ZodPipe(taskListQuerySchema)) query: TaskListQuery, @CurrentIdentity() caller: Identity): Promise<TaskList> {
    if (query.clientId) assertClientVisible(caller, query.clientId);
    return viewFor(caller, await this.runtime.ledger.list(query, visibleClientIds(caller)));
  }

  @Get(':taskId')
  async get(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    await this.visible(taskId, caller);
    return this.detail(taskId, caller);
  }

  /** The requester, or an operator, may cancel. */
  @Post(':taskId/cancel')
  @HttpCode(202)
  async cancel(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    const task = await this.visible(taskId, caller);
    if (task.requested_by !== caller.subject) assertRole(caller, 'operator');
    await this.runtime.ledger.cancel(taskId, caller.subject).catch(asAppError);
    this.notifier.notify(taskId);
    return this.detail(taskId, caller);
  }

  /** An operator other than the requester (four eyes); an admin may approve their own, on the record. */
  @Post(':taskId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  async approve(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    await this.visible(taskId, caller);
    await this.runtime.ledger.approve(taskId, caller).catch(asAppError);
    this.runtime.relay.notify();
    this.notifier.notify(taskId);
    return this.detail(taskId, caller);
  }

  /** Re-runs a finished deterministic task from its recorded parameters; the new task compares its artifacts by hash. */
  @Post(':taskId/replay')
  @HttpCode(201)
  async replay(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
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
    const { task } = await this.runtime.ledger.create({ ...request, replayOf: taskId }).catch(asAppError);
    this.runtime.relay.notify();
    return this.detail(task.task_id, caller);
  }

  /**
   * Server-sent events: every history entry as `event: <type>` with `id: <seq>`, the entry's
   * number within this task (a reconnect with Last-Event-ID resumes after it), then `event: end`
   * once the task is finished. Below operator, internals in the entries are withheld.
   */
  @Get(':taskId/events')
  async events(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.visible(taskId, caller);
    const stream = this.runtime.openStream();
    request.raw.once('close', () => stream.abort());
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    let after = /^\d{1,18}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
    try {
      while (!stream.signal.aborted) {
        const events = await this.runtime.ledger.history(taskId, after);
        for (const e of events) {
          reply.raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(viewFor(caller, e))}\n\n`);
          after = e.seq;
        }
        const task = await this.runtime.ledger.get(taskId);
        if (task && terminalTaskStatuses.includes(task.status) && events.length === 0) {
          reply.raw.write(`event: end\ndata: ${JSON.stringify({ taskId, status: task.status })}\n\n`);
          break;
        }
        await this.notifier.wait(taskId, this.config.LEAF_TASK_STREAM_POLL_MS, stream.signal);
      }
    } finally {
      stream.abort();
      reply.raw.end();
    }
  }

  private async visible(taskId: string, caller: Identity): Promise<TaskRow> {
    const task = await this.runtime.ledger.get(taskId);
    // Another client's task is as absent as a task that never existed.
    if (!task || !canSeeClient(caller, task.client_id)) throw new AppError('NOT_FOUND', 'no such task');
    return task;
  }

  /** The task as the caller may see it: below operator, internals in error texts and history are withheld. */
  private async detail(taskId: string, caller: Identity): Promise<TaskDetail> {
    const detail = await this.runtime.ledger.detail(taskId);
    if (!detail) throw new AppError('NOT_FOUND', 'no such task');
    return viewFor(caller, detail);
  }
}
