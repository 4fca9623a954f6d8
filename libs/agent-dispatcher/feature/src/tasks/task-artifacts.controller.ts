import { Controller, Get, Param, Res } from '@nestjs/common';
import { taskArtifactParamsSchema, type Identity, type TaskArtifactParams } from '@leaf/contracts';
import { CurrentIdentity, ZodPipe } from '@leaf/platform';
import type { FastifyReply } from 'fastify';
import { TasksService } from './tasks.service';

/**
 * A task's artifacts as files: the lake object the worker recorded under that name (its last
 * attempt's, when several wrote one), streamed with its sha256 as the ETag. Another client's
 * task, or a name the task never wrote, is a 404.
 */
@Controller('v1/tasks')
export class TaskArtifactsController {
  constructor(private readonly tasks: TasksService) {}

  @Get(':taskId/artifacts/:name')
  async download(
    @Param(new ZodPipe(taskArtifactParamsSchema)) { taskId, name }: TaskArtifactParams,
    @CurrentIdentity() caller: Identity,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { artifact, fileName, content } = await this.tasks.artifact(taskId, name, caller);
    await reply
      .header('content-type', artifact.contentType)
      .header('content-length', String(artifact.bytes))
      .header('etag', `"${artifact.sha256}"`)
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .send(content);
  }
}
