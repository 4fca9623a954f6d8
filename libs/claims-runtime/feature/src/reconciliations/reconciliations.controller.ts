import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  artifactNameSchema,
  clientParamsSchema,
  findingsQuerySchema,
  reconciliationRunParamsSchema,
  startReconciliationSchema,
  type FindingPage,
  type FindingsQuery,
  type ReconciliationRun,
} from '@leaf/contracts';
import { ZodPipe } from '@leaf/platform';
import { ReconciliationsService } from './reconciliations.service';

/** The start body may carry a mapping to try (validated: a malformed one is a 400 and writes nothing). */
const startBodySchema = startReconciliationSchema
  .extend({ sourceMapping: z.unknown().optional() })
  .strict();
const artifactParamsSchema = reconciliationRunParamsSchema.extend({
  name: artifactNameSchema,
});

@Controller('v1/clients/:clientId/reconciliations')
export class ReconciliationsController {
  constructor(
    @Inject(ReconciliationsService)
    private readonly reconciliations: ReconciliationsService,
  ) {}

  /** 202: the run is accepted and continues in the background; poll the run for progress. */
  @Post()
  @HttpCode(202)
  async start(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Body(new ZodPipe(startBodySchema)) body: z.infer<typeof startBodySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReconciliationRun> {
    const run = await this.reconciliations.start(
      clientId,
      body.periodId,
      'anonymous',
      body.sourceMapping,
    );
    reply.header(
      'location',
      `/v1/clients/${clientId}/reconciliations/${run.runId}`,
    );
    return run;
  }

  @Get(':runId')
  get(
    @Param(new ZodPipe(reconciliationRunParamsSchema))
    p: {
      clientId: string;
      runId: string;
    },
  ): Promise<ReconciliationRun> {
    return this.reconciliations.get(p.clientId, p.runId);
  }

  @Get(':runId/findings')
  findings(
    @Param(new ZodPipe(reconciliationRunParamsSchema))
    p: { clientId: string; runId: string },
    @Query(new ZodPipe(findingsQuerySchema)) query: FindingsQuery,
  ): Promise<FindingPage> {
    return this.reconciliations.findings(p.clientId, p.runId, query);
  }

  @Get(':runId/artifacts/:name')
  async artifact(
    @Param(new ZodPipe(artifactParamsSchema))
    p: z.infer<typeof artifactParamsSchema>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const artifact = await this.reconciliations.artifact(
      p.clientId,
      p.runId,
      p.name,
    );
    await reply
      .header('content-type', artifact.contentType)
      .header('content-length', String(artifact.bytes))
      .header('etag', `"${artifact.sha256}"`)
      .header('content-disposition', `attachment; filename="${p.name}"`)
      .send(artifact.stream);
  }
}
