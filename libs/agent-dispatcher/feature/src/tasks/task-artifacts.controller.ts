import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { taskArtifactParamsSchema, type Identity, type TaskArtifactParams } from '@leaf/contracts';
import { AppError, CurrentIdentity, ZodPipe, canSeeClient } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import type { FastifyReply } from 'fastify';
import { DispatcherRuntime } from '../runtime/dispatcher.runtime';

/**
 * A task's artifacts as files: the lake object the worker recorded under that name (its last
 * attempt's, when several wrote one), streamed with its sha256 as the ETag. Another client's
 * task, or a name the task never wrote, is a 404.
 */
@Controller('v1/tasks')
export class TaskArtifactsController {
  constructor(
    private readonly runtime: DispatcherRuntime,
    @Inject(LAKE) private readonly lake: Lake,
  ) {}

  @Get(':taskId/artifacts/:name')
  async download(
    @Param(new ZodPipe(taskArtifactParamsSchema)) { taskId, name }: TaskArtifactParams,
    @CurrentIdentity() caller: Identity,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const task = await this.runtime.ledger.get(taskId);
    if (!task || !canSeeClient(caller, task.client_id)) throw new AppError('NOT_FOUND', 'no such task');
    const detail = await this.runtime.ledger.detail(taskId);
    const artifact = (detail?.artifacts ?? []).filter((a) => a.name === name).sort((a, b) => b.attempt - a.attempt)[0];
    if (!artifact) throw new AppError('NOT_FOUND', `task ${taskId} has no artifact ${name}`);
    await reply
      .header('content-type', artifact.contentType)
      .header('content-length', String(artifact.bytes))
      .header('etag', `"${artifact.sha256}"`)
      .header('content-disposition', `attachment; filename="${task.client_id}_${taskId}_${name}"`)
      .send(await this.lake.open(artifact.lakeKey));
  }
}
