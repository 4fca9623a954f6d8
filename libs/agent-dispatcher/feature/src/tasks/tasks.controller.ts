import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  createTaskSchema,
  taskListQuerySchema,
  taskParamsSchema,
  type CreateTask,
  type Identity,
  type TaskDetail,
  type TaskList,
  type TaskListQuery,
} from '@leaf/contracts';
import { CurrentIdentity, RequireRole, ZodPipe, idempotencyKeyOf } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TasksService } from './tasks.service';

/** The task API over HTTP: create, list, read, cancel, approve, replay, and a live progress stream (TasksService does the work). */
@Controller('v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  async create(
    @Body(new ZodPipe(createTaskSchema)) body: CreateTask,
    @Headers('idempotency-key') rawKey: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDetail> {
    const { task, created } = await this.tasks.create(body, idempotencyKeyOf(rawKey), caller, request.id);
    void reply.status(created ? 201 : 200).header('location', `/v1/tasks/${task.taskId}`);
    return task;
  }

  @Get()
  list(@Query(new ZodPipe(taskListQuerySchema)) query: TaskListQuery, @CurrentIdentity() caller: Identity): Promise<TaskList> {
    return this.tasks.list(query, caller);
  }

  @Get(':taskId')
  get(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    return this.tasks.get(taskId, caller);
  }

  /** The requester, or an operator, may cancel. */
  @Post(':taskId/cancel')
  @HttpCode(202)
  cancel(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    return this.tasks.cancel(taskId, caller);
  }

  /** An operator other than the requester (four eyes); an admin may approve their own, on the record. */
  @Post(':taskId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  approve(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    return this.tasks.approve(taskId, caller);
  }

  /** Re-runs a finished deterministic task from its recorded parameters; the new task compares its artifacts by hash. */
  @Post(':taskId/replay')
  @HttpCode(201)
  replay(@Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string }, @CurrentIdentity() caller: Identity): Promise<TaskDetail> {
    return this.tasks.replay(taskId, caller);
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
    const closed = new AbortController();
    request.raw.once('close', () => closed.abort());
    const after = /^\d{1,18}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
    const items = await this.tasks.follow(taskId, after, caller, closed.signal);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    try {
      for await (const item of items) {
        if (item.type === 'event') reply.raw.write(`id: ${item.event.seq}\nevent: ${item.event.type}\ndata: ${JSON.stringify(item.event)}\n\n`);
        else reply.raw.write(`event: end\ndata: ${JSON.stringify({ taskId: item.taskId, status: item.status })}\n\n`);
      }
    } finally {
      reply.raw.end();
    }
  }
}
