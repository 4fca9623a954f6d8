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
import { UpstreamClient, hop, type UpstreamRequest } from '../upstream/upstream.client';
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
    return this.forward(reply, request, identity, { method: 'POST', path: runPath(clientId), body, headers });
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
    return this.forwardPage<RunList>(reply, request, identity, runPath(clientId), (cursor) => ({ ...filters, cursor }), query.cursor);
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
    return this.forward(reply, request, identity, {
      path: withQuery(`${runPath(p.clientId, p.runId)}/diff`, { against: query.against, cursor: query.cursor, limit: query.limit }),
    });
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
      await this.upstream.download('claims-runtime', this.asCaller(request, identity, { path: `${runPath(p.clientId, p.runId)}/findings.csv` })),
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
    const answer = await this.upstream.download(
      'claims-runtime',
      this.asCaller(request, identity, { path: `${runPath(p.clientId, p.runId)}/events`, idleTimeoutMs: 0 }),
    );
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
    return this.forward(reply, request, identity, { path: runPath(p.clientId, p.runId) });
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
    return this.forwardPage<FindingPage>(
      reply,
      request,
      identity,
      `${runPath(p.clientId, p.runId)}/findings`,
      (cursor) => ({ cursor, limit: query.limit, kind: query.kind }),
      query.cursor,
    );
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
      await this.upstream.download('claims-runtime', this.asCaller(request, identity, { path: `${runPath(p.clientId, p.runId)}/artifacts/${p.name}` })),
    );
  }

  /** A call to claims-runtime made as the caller: signed identity, request id and trace context along. */
  private asCaller(request: FastifyRequest, identity: Identity, call: Omit<UpstreamRequest, keyof ReturnType<typeof hop> | 'identity'>): UpstreamRequest {
    return { ...call, ...hop(request), identity };
  }

  /** Asks claims-runtime as the caller and answers with its status and body. */
  private async forward(
    reply: FastifyReply,
    request: FastifyRequest,
    identity: Identity,
    call: Omit<UpstreamRequest, keyof ReturnType<typeof hop> | 'identity'>,
  ): Promise<unknown> {
    return relay(reply, await this.upstream.json('claims-runtime', this.asCaller(request, identity, call)));
  }

  /**
   * One page from claims-runtime, with `nextLink`: the gateway path of the next page, made of the
   * same query (`at(cursor)`) with the service's next cursor. A non-200 answer passes as it is.
   */
  private async forwardPage<P extends { nextCursor: string | null }>(
    reply: FastifyReply,
    request: FastifyRequest,
    identity: Identity,
    base: string,
    at: (cursor: string | undefined) => Record<string, string | number | undefined>,
    cursor: string | undefined,
  ): Promise<P | (P & { nextLink: string | null })> {
    const answer = await this.upstream.json('claims-runtime', this.asCaller(request, identity, { path: withQuery(base, at(cursor)) }));
    const page = relay(reply, answer) as P;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery(base, at(page.nextCursor)) : null };
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
