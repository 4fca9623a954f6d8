import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  artifactNames,
  clientParamsSchema,
  findingsQuerySchema,
  problemSchema,
  reconciliationRunParamsSchema,
  reconciliationRunSchema,
  runDiffQuerySchema,
  runDiffSchema,
  runListQuerySchema,
  runProgressEventSchema,
  startReconciliationSchema,
  type FindingPage,
  type FindingsQuery,
  type RunDiffQuery,
  type RunList,
  type RunListQuery,
  type Identity,
  type StartReconciliation,
} from '@leaf/contracts';
import { AppError, CurrentIdentity, RequireRole, ZodPipe, assertClientVisible, hasRole } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';
import { upstreamIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { RateLimitClass, StartsWork } from '../rate-limit/rate-limit.admission';
import { artifactParamsSchema, linkedFindingPageSchema, linkedRunListSchema, type ArtifactParams } from './reconciliations.api';

const runPath = (clientId: string, runId = '') => `/v1/clients/${encodeURIComponent(clientId)}/reconciliations${runId ? `/${encodeURIComponent(runId)}` : ''}`;

/** Guarantee reconciliation runs (claims-runtime): start (202), poll, page through findings, download artifacts. */
@ApiTags('reconciliations')
@ApiBearerAuth('entra')
@Controller('v1/clients/:clientId/reconciliations')
export class ReconciliationsController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Post()
  @HttpCode(202)
  @RequireRole('analyst')
  @StartsWork()
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiAcceptedResponse({ description: 'the run is accepted and continues in the background; poll Location', schema: openApiSchema(reconciliationRunSchema) })
  @ApiNotFoundResponse({ description: "no such client or period (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async start(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Body(new ZodPipe(startReconciliationSchema)) body: StartReconciliation,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, clientId);
    // The interceptor has checked the key's form; claims-runtime starts one run per key.
    const headers = typeof key === 'string' ? { 'idempotency-key': upstreamIdempotencyKey(identity.subject, key) } : undefined;
    return relay(reply, await this.upstream.json('claims-runtime', { method: 'POST', path: runPath(clientId), ...hop(request), identity, body, headers }));
  }

  @Get()
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiOkResponse({ description: "the client's runs, newest first, filtered by period and status; follow nextLink", schema: openApiSchema(linkedRunListSchema) })
  @ApiNotFoundResponse({ description: "no such client (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async list(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Query(new ZodPipe(runListQuerySchema)) query: RunListQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, clientId);
    const filters = { periodId: query.periodId, status: query.status, limit: query.limit };
    const answer = await this.upstream.json('claims-runtime', {
      path: withQuery(runPath(clientId), { ...filters, cursor: query.cursor }),
      ...hop(request),
      identity,
    });
    const page = relay(reply, answer) as RunList;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery(runPath(clientId), { ...filters, cursor: page.nextCursor }) : null };
  }

  @Get(':runId/diff')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiOkResponse({
    description: 'how the run differs from `against` (another succeeded run of the client): owed figures, buckets with their term versions, findings (paged)',
    schema: openApiSchema(runDiffSchema),
  })
  @ApiNotFoundResponse({ description: "no such run (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async diff(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @Query(new ZodPipe(runDiffQuerySchema)) query: RunDiffQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, p.clientId);
    return relay(
      reply,
      await this.upstream.json('claims-runtime', {
        path: withQuery(`${runPath(p.clientId, p.runId)}/diff`, { against: query.against, cursor: query.cursor, limit: query.limit }),
        ...hop(request),
        identity,
      }),
    );
  }

  /** Every finding of a succeeded run as CSV, streamed through; the file name carries client, period and run. */
  @Get(':runId/findings.csv')
  @RateLimitClass('download')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'finding_id, kind, claim_id, guarantee_id, channel, drug_type, claim_count, impact, detail, evidence' })
  @ApiNotFoundResponse({ description: "no such run (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async findingsCsv(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    await this.passThrough(
      reply,
      await this.upstream.download('claims-runtime', { path: `${runPath(p.clientId, p.runId)}/findings.csv`, ...hop(request), identity }),
    );
  }

  /** Server-sent progress of a run, streamed through as it comes (no idle timeout; closed when the caller leaves). */
  @Get(':runId/events')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: '`progress` events ({runId, status, progress, stage}) as the run moves, then `end` with its final state',
    schema: openApiSchema(runProgressEventSchema),
  })
  async events(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    const answer = await this.upstream.download('claims-runtime', {
      path: `${runPath(p.clientId, p.runId)}/events`,
      idleTimeoutMs: 0,
      ...hop(request),
      identity,
    });
    if ('stream' in answer) request.raw.once('close', () => answer.stream.destroy());
    await this.passThrough(reply, answer, { 'cache-control': 'no-cache, no-transform' });
  }

  @Get(':runId')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiOkResponse({ description: 'the run: status, progress, summary, buckets and artifacts', schema: openApiSchema(reconciliationRunSchema) })
  @ApiNotFoundResponse({ description: "no such run (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async get(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, p.clientId);
    return relay(reply, await this.upstream.json('claims-runtime', { path: runPath(p.clientId, p.runId), ...hop(request), identity }));
  }

  @Get(':runId/findings')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiOkResponse({ description: 'one page of findings; follow nextLink for the next', schema: openApiSchema(linkedFindingPageSchema) })
  @ApiNotFoundResponse({ description: "no such run (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async findings(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @Query(new ZodPipe(findingsQuerySchema)) query: FindingsQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, p.clientId);
    const base = `${runPath(p.clientId, p.runId)}/findings`;
    const answer = await this.upstream.json('claims-runtime', {
      path: withQuery(base, { cursor: query.cursor, limit: query.limit, kind: query.kind }),
      ...hop(request),
      identity,
    });
    const page = relay(reply, answer) as FindingPage;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery(base, { cursor: page.nextCursor, limit: query.limit, kind: query.kind }) : null };
  }

  /** Streamed through as the service sends it; the name must be one of the known artifacts. */
  @Get(':runId/artifacts/:name')
  @RateLimitClass('download')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiParam({ name: 'name', enum: artifactNames })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf', 'application/json')
  @ApiOkResponse({ description: 'the artifact bytes (content-addressed: the ETag is its sha256)' })
  @ApiNotFoundResponse({ description: "no such run or artifact (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async artifact(
    @Param(new ZodPipe(artifactParamsSchema)) p: ArtifactParams,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    // The replay record lists every query the run sent to the claims source, SQL text included.
    if (p.name === 'run-inputs.json' && !hasRole(identity, 'operator'))
      throw new AppError('FORBIDDEN', "run-inputs.json records the run's queries; it is for operators");
    await this.passThrough(
      reply,
      await this.upstream.download('claims-runtime', { path: `${runPath(p.clientId, p.runId)}/artifacts/${p.name}`, ...hop(request), identity }),
    );
  }

  private async passThrough(reply: FastifyReply, answer: Awaited<ReturnType<UpstreamClient['download']>>, extra: Record<string, string> = {}): Promise<void> {
    if ('stream' in answer) {
      await reply
        .status(answer.status)
        .headers({ ...answer.headers, ...extra })
        .send(answer.stream);
      return;
    }
    await reply.send(relay(reply, answer));
  }
}
