import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  artifactNames,
  clientParamsSchema,
  findingsQuerySchema,
  problemSchema,
  reconciliationRunParamsSchema,
  reconciliationRunSchema,
  startReconciliationSchema,
  type FindingPage,
  type FindingsQuery,
  type Identity,
  type StartReconciliation,
} from '@leaf/contracts';
import { AppError, CurrentIdentity, RequireRole, ZodPipe, assertClientVisible, hasRole } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';
import { upstreamIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { RateLimitClass, StartsWork } from '../rate-limit/rate-limit.interceptor';
import { artifactParamsSchema, linkedFindingPageSchema, type ArtifactParams } from './reconciliations.api';

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
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiAcceptedResponse({ description: 'the run is accepted and continues in the background; poll Location', schema: openApiSchema(reconciliationRunSchema) })
  @ApiNotFoundResponse({ description: 'no such client or period (or not in the caller\'s scope)', schema: openApiSchema(problemSchema) })
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

  @Get(':runId')
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiOkResponse({ description: 'the run: status, progress, summary, buckets and artifacts', schema: openApiSchema(reconciliationRunSchema) })
  @ApiNotFoundResponse({ description: 'no such run (or not in the caller\'s scope)', schema: openApiSchema(problemSchema) })
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
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiOkResponse({ description: 'one page of findings; follow nextLink for the next', schema: openApiSchema(linkedFindingPageSchema) })
  @ApiNotFoundResponse({ description: 'no such run (or not in the caller\'s scope)', schema: openApiSchema(problemSchema) })
  async findings(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: { clientId: string; runId: string },
    @Query(new ZodPipe(findingsQuerySchema)) query: FindingsQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, p.clientId);
    const base = `${runPath(p.clientId, p.runId)}/findings`;
    const answer = await this.upstream.json('claims-runtime', { path: withQuery(base, { cursor: query.cursor, limit: query.limit, kind: query.kind }), ...hop(request), identity });
    const page = relay(reply, answer) as FindingPage;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery(base, { cursor: page.nextCursor, limit: query.limit, kind: query.kind }) : null };
  }

  /** Streamed through as the service sends it; the name must be one of the known artifacts. */
  @Get(':runId/artifacts/:name')
  @RateLimitClass('download')
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiParam({ name: 'name', enum: artifactNames })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf', 'application/json')
  @ApiOkResponse({ description: 'the artifact bytes (content-addressed: the ETag is its sha256)' })
  @ApiNotFoundResponse({ description: 'no such run or artifact (or not in the caller\'s scope)', schema: openApiSchema(problemSchema) })
  async artifact(
    @Param(new ZodPipe(artifactParamsSchema)) p: ArtifactParams,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    // The replay record lists every query the run sent to the claims source, SQL text included.
    if (p.name === 'run-inputs.json' && !hasRole(identity, 'operator')) throw new AppError('FORBIDDEN', 'run-inputs.json records the run\'s queries; it is for operators');
    const answer = await this.upstream.download('claims-runtime', { path: `${runPath(p.clientId, p.runId)}/artifacts/${p.name}`, ...hop(request), identity });
    if ('stream' in answer) {
      await reply.status(answer.status).headers(answer.headers).send(answer.stream);
      return;
    }
    await reply.send(relay(reply, answer));
  }
}
