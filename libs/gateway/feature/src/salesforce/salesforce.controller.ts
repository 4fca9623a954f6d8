import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  problemSchema,
  salesforceCompletenessListSchema,
  salesforceFileParamsSchema,
  salesforceLineageAnswerSchema,
  salesforceLineageQuerySchema,
  salesforceRequestDetailSchema,
  salesforceRequestListQuerySchema,
  salesforceRequestListSchema,
  salesforceRequestParamsSchema,
  salesforceSyncBodySchema,
  salesforceSyncResultSchema,
  salesforceSyncStatusSchema,
  type Identity,
  type SalesforceLineageQuery,
  type SalesforceRequestList,
  type SalesforceRequestListQuery,
  type SalesforceSyncBody,
} from '@leaf/contracts';
import { CurrentIdentity, RequireRole, ZodPipe, assertClientVisible } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { openApiSchema } from '../openapi/openapi-schema';
import { RateLimitClass } from '../rate-limit/rate-limit.admission';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';

const linkedRequestListSchema = salesforceRequestListSchema.extend({ nextLink: z.string().nullable() });
const requestPath = (requestId: string, rest = '') => `/v1/salesforce/requests/${encodeURIComponent(requestId)}${rest}`;

/**
 * The Salesforce IT-request mirror (salesforce-mirror): requests with everything attached and the
 * work they caused, files streamed from the lake, lineage both ways; the sync, its status and its
 * completeness reports for operators. No browser ever gets a Salesforce credential.
 */
@ApiTags('salesforce')
@ApiBearerAuth('entra')
@Controller('v1/salesforce')
export class SalesforceController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get('requests')
  @ApiOkResponse({ description: "IT requests of the caller's clients; follow nextLink", schema: openApiSchema(linkedRequestListSchema) })
  async list(
    @Query(new ZodPipe(salesforceRequestListQuerySchema)) query: SalesforceRequestListQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const filters = {
      clientId: query.clientId,
      status: query.status,
      q: query.q,
      modifiedSince: query.modifiedSince,
      includeDeleted: query.includeDeleted ? 'true' : undefined,
      limit: query.limit,
    };
    const answer = await this.upstream.json('salesforce-mirror', {
      path: withQuery('/v1/salesforce/requests', { ...filters, cursor: query.cursor }),
      identity,
      ...hop(request),
    });
    const page = relay(reply, answer) as SalesforceRequestList;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery('/v1/salesforce/requests', { ...filters, cursor: page.nextCursor }) : null };
  }

  @Get('requests/:requestId')
  @ApiOkResponse({
    description: 'the request with its fields, history, files, notes, feed and comments, and the tasks it caused',
    schema: openApiSchema(salesforceRequestDetailSchema),
  })
  @ApiNotFoundResponse({ description: "no such request (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async detail(
    @Param(new ZodPipe(salesforceRequestParamsSchema)) { requestId }: { requestId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(reply, await this.upstream.json('salesforce-mirror', { path: requestPath(requestId), identity, ...hop(request) }));
  }

  /** A file of the request, streamed through from the mirror's lake copy (ETag: its sha256). */
  @Get('requests/:requestId/files/:contentVersionId')
  @RateLimitClass('download')
  @ApiOkResponse({ description: 'the file bytes as mirrored (the ETag is their sha256)' })
  @ApiNotFoundResponse({ description: "no such request or file (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async file(
    @Param(new ZodPipe(salesforceFileParamsSchema)) { requestId, contentVersionId }: { requestId: string; contentVersionId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.upstream.download('salesforce-mirror', {
      path: requestPath(requestId, `/files/${encodeURIComponent(contentVersionId)}`),
      identity,
      ...hop(request),
    });
    if (!('stream' in answer)) {
      await reply.send(relay(reply, answer));
      return;
    }
    await reply.status(answer.status).headers(answer.headers).send(answer.stream);
  }

  @Get('lineage')
  @ApiOkResponse({ description: 'the request(s) behind a task or a deliverable (by its sha256)', schema: openApiSchema(salesforceLineageAnswerSchema) })
  async lineage(
    @Query(new ZodPipe(salesforceLineageQuerySchema)) query: SalesforceLineageQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(
      reply,
      await this.upstream.json('salesforce-mirror', {
        path: withQuery('/v1/salesforce/lineage', { taskId: query.taskId, artifactSha256: query.artifactSha256 }),
        identity,
        ...hop(request),
      }),
    );
  }

  @Get('sync')
  @RequireRole('operator')
  @ApiOkResponse({ description: 'watermarks per object and the latest syncs (operators of every client)', schema: openApiSchema(salesforceSyncStatusSchema) })
  async status(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return relay(reply, await this.upstream.json('salesforce-mirror', { path: '/v1/salesforce/sync', identity, ...hop(request) }));
  }

  @Post('sync')
  @HttpCode(202)
  @RequireRole('operator')
  @ApiAcceptedResponse({ description: 'one sync, done (202: the salesforce.sync task runs it too)', schema: openApiSchema(salesforceSyncResultSchema) })
  async sync(
    @Body(new ZodPipe(salesforceSyncBodySchema)) body: SalesforceSyncBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(
      reply,
      await this.upstream.json('salesforce-mirror', { method: 'POST', path: '/v1/salesforce/sync', body: body ?? {}, identity, ...hop(request) }),
    );
  }

  @Get('completeness')
  @RequireRole('operator')
  @ApiOkResponse({
    description: 'completeness reports of the latest syncs: counts and id sets against Salesforce (operators of every client)',
    schema: openApiSchema(salesforceCompletenessListSchema),
  })
  async completeness(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return relay(reply, await this.upstream.json('salesforce-mirror', { path: '/v1/salesforce/completeness', identity, ...hop(request) }));
  }
}
