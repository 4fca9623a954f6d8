import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  domoComparisonListSchema,
  domoComparisonParamsSchema,
  domoComparisonSchema,
  domoDatasetListSchema,
  domoDifferenceListSchema,
  domoDifferenceQuerySchema,
  domoExportListQuerySchema,
  domoExportListSchema,
  domoExportParamsSchema,
  domoExportSchema,
  domoGateResultListSchema,
  domoIngestResultSchema,
  domoPacketParamsSchema,
  domoPageQuerySchema,
  domoSignOffRequestSchema,
  problemSchema,
  type DomoDifferenceQuery,
  type DomoExportListQuery,
  type DomoPacketParams,
  type DomoPageQuery,
  type DomoSignOffRequest,
  type Identity,
} from '@leaf/contracts';
import { AppError, CurrentIdentity, RequireRole, ZodPipe } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { RateLimitClass } from '../rate-limit/rate-limit.admission';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';

const exportPath = (exportId: string, rest = '') => `/v1/domo/exports/${encodeURIComponent(exportId)}${rest}`;
const comparisonPath = (comparisonId: string, rest = '') => `/v1/domo/comparisons/${encodeURIComponent(comparisonId)}${rest}`;
const notFound = { description: "no such export or comparison (or the caller's scope is not every client)", schema: openApiSchema(problemSchema) };

/**
 * Starting an ingest or a comparison reads and writes Domo's data of every client at once: only an
 * operator of every client may (403 otherwise, like the Salesforce mirror's org-wide sync). The
 * service itself lets a scoped operator through, because the lane worker calls it for a task's client.
 */
function assertOrgWide(identity: Identity): void {
  if (identity.clientIds !== '*') throw new AppError('FORBIDDEN', "Domo's datasets span every client: this needs an operator of every client");
}

/**
 * The Domo takeover (domo-takeover): Domo's datasets in bronze and silver behind their flaw gates,
 * and golden comparisons of Domo's published output against the backend's curated model. Domo's
 * datasets hold every client's rows, so the service answers only callers scoped to every client
 * (404 to anyone else, as if nothing existed).
 */
@ApiTags('domo')
@ApiBearerAuth('entra')
@Controller('v1/domo')
export class DomoController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get('datasets')
  @ApiOkResponse({ description: 'each declared dataset with its schema, key, gates and promoted export', schema: openApiSchema(domoDatasetListSchema) })
  @ApiNotFoundResponse(notFound)
  async datasets(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.get('/v1/domo/datasets', identity, request, reply);
  }

  @Get('exports')
  @ApiOkResponse({ description: 'exports, newest first, with their status and schema drift', schema: openApiSchema(domoExportListSchema) })
  @ApiNotFoundResponse(notFound)
  async exports(
    @Query(new ZodPipe(domoExportListQuerySchema)) query: DomoExportListQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.get(withQuery('/v1/domo/exports', { dataset: query.dataset, limit: query.limit, offset: query.offset }), identity, request, reply);
  }

  @Get('exports/:exportId')
  @ApiOkResponse({ description: 'one export: its bronze hash, rows, silver rows, status and drift', schema: openApiSchema(domoExportSchema) })
  @ApiNotFoundResponse(notFound)
  async export(
    @Param(new ZodPipe(domoExportParamsSchema)) { exportId }: { exportId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.get(exportPath(exportId), identity, request, reply);
  }

  @Get('exports/:exportId/gate-failures')
  @ApiOkResponse({
    description: 'the gates of the export that warned or failed, each with failing-row samples',
    schema: openApiSchema(domoGateResultListSchema),
  })
  @ApiNotFoundResponse(notFound)
  async gateFailures(
    @Param(new ZodPipe(domoExportParamsSchema)) { exportId }: { exportId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.get(exportPath(exportId, '/gate-failures'), identity, request, reply);
  }

  @Post('ingest')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({
    description: 'one ingest round over the Domo source, done: each export with its status and failed gates',
    schema: openApiSchema(domoIngestResultSchema),
  })
  async ingest(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    assertOrgWide(identity);
    return relay(reply, await this.upstream.json('domo-takeover', { method: 'POST', path: '/v1/domo/ingest', body: {}, identity, ...hop(request) }));
  }

  @Get('comparisons')
  @ApiOkResponse({
    description: 'golden comparisons, newest first, with their summary by reason and sign-off',
    schema: openApiSchema(domoComparisonListSchema),
  })
  @ApiNotFoundResponse(notFound)
  async comparisons(
    @Query(new ZodPipe(domoPageQuerySchema)) query: DomoPageQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.get(withQuery('/v1/domo/comparisons', { limit: query.limit, offset: query.offset }), identity, request, reply);
  }

  @Post('comparisons')
  @HttpCode(201)
  @RequireRole('operator')
  @ApiCreatedResponse({
    description: "the comparison of Domo's promoted output against the curated model, recorded",
    schema: openApiSchema(domoComparisonSchema),
  })
  async compare(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    assertOrgWide(identity);
    return relay(reply, await this.upstream.json('domo-takeover', { method: 'POST', path: '/v1/domo/comparisons', body: {}, identity, ...hop(request) }));
  }

  @Get('comparisons/:comparisonId')
  @ApiOkResponse({
    description: 'one comparison: keys compared and matched, differences by reason, packet hashes, sign-off',
    schema: openApiSchema(domoComparisonSchema),
  })
  @ApiNotFoundResponse(notFound)
  async comparison(
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.get(comparisonPath(comparisonId), identity, request, reply);
  }

  @Get('comparisons/:comparisonId/differences')
  @ApiOkResponse({
    description: 'one page of the differences, filtered by reason and materiality, with the total',
    schema: openApiSchema(domoDifferenceListSchema),
  })
  @ApiNotFoundResponse(notFound)
  async differences(
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
    @Query(new ZodPipe(domoDifferenceQuerySchema)) query: DomoDifferenceQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const material = query.material === undefined ? undefined : String(query.material);
    const path = withQuery(comparisonPath(comparisonId, '/differences'), { reason: query.reason, material, limit: query.limit, offset: query.offset });
    return this.get(path, identity, request, reply);
  }

  /** A file of the comparison packet (JSON, workbook or PDF), streamed from the lake; the ETag is its sha256. */
  @Get('comparisons/:comparisonId/artifacts/:name')
  @RateLimitClass('download')
  @ApiOkResponse({ description: 'the packet file as stored in the lake (the ETag is its sha256)' })
  @ApiNotFoundResponse(notFound)
  async packet(
    @Param(new ZodPipe(domoPacketParamsSchema)) { comparisonId, name }: DomoPacketParams,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.upstream.download('domo-takeover', { path: comparisonPath(comparisonId, `/${name}`), identity, ...hop(request) });
    if (!('stream' in answer)) {
      await reply.send(relay(reply, answer));
      return;
    }
    await reply.status(answer.status).headers(answer.headers).send(answer.stream);
  }

  @Post('comparisons/:comparisonId/sign-off')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({
    description: 'the comparison, signed off (409 when already signed, or when approving material unexplained differences without a note)',
    schema: openApiSchema(domoComparisonSchema),
  })
  @ApiNotFoundResponse(notFound)
  async signOff(
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
    @Body(new ZodPipe(domoSignOffRequestSchema)) body: DomoSignOffRequest,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(
      reply,
      await this.upstream.json('domo-takeover', { method: 'POST', path: comparisonPath(comparisonId, '/sign-off'), body, identity, ...hop(request) }),
    );
  }

  private async get(path: string, identity: Identity, request: FastifyRequest, reply: FastifyReply) {
    return relay(reply, await this.upstream.json('domo-takeover', { path, identity, ...hop(request) }));
  }
}
