import { Body, Headers, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
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
  type Identity,
  type ReconciliationRun,
} from '@leaf/contracts';
import { AppError, CurrentIdentity, ZodPipe, assertClientVisible, assertRole, hasRole, idempotencyKeyOf } from '@leaf/platform';
import { conditional } from '../clients/clients.read-model';
import { downloadName } from './download-name';
import { ReconciliationsService } from './reconciliations.service';

/** The start body may carry a mapping to try (validated: a malformed one is a 400 and writes nothing). */
const startBodySchema = startReconciliationSchema.extend({ sourceMapping: z.unknown().optional() }).strict();
type StartBody = z.infer<typeof startBodySchema>;
const artifactParamsSchema = reconciliationRunParamsSchema.extend({
  name: artifactNameSchema,
});
type RunParams = z.infer<typeof reconciliationRunParamsSchema>;

/** Reconciliation runs of one client; every route checks the caller may see that client. */
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
    @Body(new ZodPipe(startBodySchema)) body: StartBody,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentIdentity() identity: Identity,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<ReconciliationRun> {
    assertClientVisible(identity, clientId);
    assertRole(identity, 'analyst');
    // Pointing a run at another table or other columns is an operator's decision.
    if (body.sourceMapping !== undefined && !hasRole(identity, 'operator')) {
      throw new AppError('FORBIDDEN', 'only an operator may supply a claims source mapping');
    }
    const run = await this.reconciliations.start(clientId, body.periodId, identity.subject, body.sourceMapping, idempotencyKeyOf(idempotencyKey));
    reply.header('location', `/v1/clients/${clientId}/reconciliations/${run.runId}`);
    return run;
  }

  /**
   * The run's state and summary, from RunsReadModel, with a strong ETag: a matching If-None-Match
   * gets a 304 with no body. The tag covers the caller's view too (the gateway withholds internals
   * from non-operators), so one tag never names two different answers.
   */
  @Get(':runId')
  async get(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: RunParams,
    @CurrentIdentity() identity: Identity,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReconciliationRun | undefined> {
    assertClientVisible(identity, p.clientId);
    const run = await this.reconciliations.get(p.clientId, p.runId);
    return conditional(reply, run, ifNoneMatch, { view: hasRole(identity, 'operator') ? 'operator' : 'public', run });
  }

  @Get(':runId/findings')
  findings(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: RunParams,
    @Query(new ZodPipe(findingsQuerySchema)) query: FindingsQuery,
    @CurrentIdentity() identity: Identity,
  ): Promise<FindingPage> {
    assertClientVisible(identity, p.clientId);
    return this.reconciliations.findings(p.clientId, p.runId, query);
  }

  @Get(':runId/artifacts/:name')
  async artifact(
    @Param(new ZodPipe(artifactParamsSchema))
    p: z.infer<typeof artifactParamsSchema>,
    @Res() reply: FastifyReply,
    @CurrentIdentity() identity: Identity,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    // The path keeps the stable artifact name; the saved file is named for client and period.
    // The run is read before the artifact's stream is opened, so a failure leaves nothing open.
    const run = await this.reconciliations.get(p.clientId, p.runId);
    const artifact = await this.reconciliations.artifact(p.clientId, p.runId, p.name);
    await reply
      .header('content-type', artifact.contentType)
      .header('content-length', String(artifact.bytes))
      .header('etag', `"${artifact.sha256}"`)
      .header('content-disposition', `attachment; filename="${downloadName(run, p.name)}"`)
      .send(artifact.stream);
  }
}
