import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  createTaskSchema,
  problemSchema,
  taskDetailSchema,
  taskListQuerySchema,
  taskListSchema,
  taskArtifactParamsSchema,
  taskParamsSchema,
  type CreateTask,
  type TaskArtifactParams,
  type Identity,
  type TaskList,
  type TaskListQuery,
} from '@leaf/contracts';
import { CurrentIdentity, RequireRole, ZodPipe, assertClientVisible } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { RateLimitClass, StartsWork } from '../rate-limit/rate-limit.admission';
import { UpstreamClient, hop } from '../upstream/upstream.client';

const linkedTaskListSchema = taskListSchema.extend({ nextLink: z.string().nullable() });
const taskPath = (taskId: string, rest = '') => `/v1/tasks/${encodeURIComponent(taskId)}${rest}`;

/**
 * The agent task ledger (agent-dispatcher). Which client a task belongs to is known to the
 * ledger, so the service decides visibility (another client's task is a 404 there); the gateway
 * checks what the request itself names (the client of a new task, a list filter) and the role.
 */
@ApiTags('tasks')
@ApiBearerAuth('entra')
@Controller('v1/tasks')
export class TasksController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Post()
  @RequireRole('analyst')
  @StartsWork()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key and body give back the same task' })
  @ApiCreatedResponse({ description: 'the task (200 when the Idempotency-Key already created it)', schema: openApiSchema(taskDetailSchema) })
  async create(
    @Body(new ZodPipe(createTaskSchema)) body: CreateTask,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, body.clientId);
    const headers = typeof key === 'string' ? { 'idempotency-key': key } : undefined;
    return relay(reply, await this.upstream.json('agent-dispatcher', { method: 'POST', path: '/v1/tasks', body, headers, identity, ...hop(request) }));
  }

  @Get()
  @ApiOkResponse({ description: "tasks of the caller's clients, newest first; follow nextLink", schema: openApiSchema(linkedTaskListSchema) })
  async list(
    @Query(new ZodPipe(taskListQuerySchema)) query: TaskListQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const filters = { status: query.status, kind: query.kind, clientId: query.clientId, limit: query.limit };
    const answer = await this.upstream.json('agent-dispatcher', {
      path: withQuery('/v1/tasks', { ...filters, cursor: query.cursor }),
      identity,
      ...hop(request),
    });
    const page = relay(reply, answer) as TaskList;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery('/v1/tasks', { ...filters, cursor: page.nextCursor }) : null };
  }

  @Get(':taskId')
  @ApiOkResponse({ description: 'the task with its trace, blockers, artifacts and history', schema: openApiSchema(taskDetailSchema) })
  @ApiNotFoundResponse({ description: "no such task (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async get(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(reply, await this.upstream.json('agent-dispatcher', { path: taskPath(taskId), identity, ...hop(request) }));
  }

  @Post(':taskId/cancel')
  @HttpCode(202)
  @RequireRole('analyst')
  async cancel(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.transition(taskId, 'cancel', identity, request, reply);
  }

  @Post(':taskId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  async approve(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.transition(taskId, 'approve', identity, request, reply);
  }

  @Post(':taskId/replay')
  @HttpCode(201)
  @RequireRole('analyst')
  async replay(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.transition(taskId, 'replay', identity, request, reply);
  }

  /** A state transition agent-dispatcher decides (cancel, approve, replay): no body, its answer relayed as it is. */
  private async transition(taskId: string, action: 'cancel' | 'approve' | 'replay', identity: Identity, request: FastifyRequest, reply: FastifyReply) {
    return relay(
      reply,
      await this.upstream.json('agent-dispatcher', { method: 'POST', path: taskPath(taskId, `/${action}`), body: {}, identity, ...hop(request) }),
    );
  }

  /** A file a task wrote (e.g. report.narrative's narrative.md), streamed through from agent-dispatcher. */
  @Get(':taskId/artifacts/:name')
  @RateLimitClass('download')
  @ApiOkResponse({ description: 'the artifact bytes as the task recorded them (the ETag is their sha256)' })
  @ApiNotFoundResponse({ description: "no such task or artifact (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async artifact(
    @Param(new ZodPipe(taskArtifactParamsSchema)) { taskId, name }: TaskArtifactParams,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.upstream.download('agent-dispatcher', {
      path: taskPath(taskId, `/artifacts/${encodeURIComponent(name)}`),
      identity,
      ...hop(request),
    });
    if (!('stream' in answer)) {
      await reply.send(relay(reply, answer));
      return;
    }
    await reply.status(answer.status).headers(answer.headers).send(answer.stream);
  }

  /** Server-sent progress, streamed through as it comes (no idle timeout; closed when the caller leaves). */
  @Get(':taskId/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'every history entry as an SSE event (id = seq; Last-Event-ID resumes), then `end`' })
  async events(
    @Param(new ZodPipe(taskParamsSchema)) { taskId }: { taskId: string },
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const headers = typeof lastEventId === 'string' && /^\d{1,18}$/.test(lastEventId) ? { 'last-event-id': lastEventId } : undefined;
    const answer = await this.upstream.download('agent-dispatcher', {
      path: taskPath(taskId, '/events'),
      headers,
      idleTimeoutMs: 0,
      identity,
      ...hop(request),
    });
    if (!('stream' in answer)) {
      await reply.send(relay(reply, answer));
      return;
    }
    request.raw.once('close', () => answer.stream.destroy());
    await reply
      .status(answer.status)
      .headers({ ...answer.headers, 'cache-control': 'no-cache, no-transform' })
      .send(answer.stream);
  }
}
