import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  claimsSummaryQuerySchema,
  claimsSummarySchema,
  clientListSchema,
  clientParamsSchema,
  guaranteeListSchema,
  problemSchema,
  type ClaimsSummaryQuery,
  type ClientList,
  type Identity,
} from '@leaf/contracts';
import { CurrentIdentity, ZodPipe, assertClientVisible, canSeeClient } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';

/**
 * Routes owned by claims-runtime. Input and the caller's client scope are checked here, and again
 * by the service on the identity the gateway signs for it; the answer, problems included, passes
 * through with the service's status and content type.
 */
@ApiTags('clients')
@ApiBearerAuth('entra')
@Controller('v1/clients')
export class ClaimsController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get()
  @ApiOkResponse({ description: 'the clients the caller may see, with their contract periods', schema: openApiSchema(clientListSchema) })
  async list(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.upstream.json('claims-runtime', { path: '/v1/clients', ...hop(request), identity });
    const body = relay(reply, answer) as ClientList;
    // Defence in depth: whatever the service answered, a caller never sees a client outside its scope.
    return answer.status === 200 && Array.isArray(body?.items) ? { ...body, items: body.items.filter((c) => canSeeClient(identity, c.clientId)) } : body;
  }

  @Get(':clientId/guarantees')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiOkResponse({ description: 'current version of every contracted term, with its evidence', schema: openApiSchema(guaranteeListSchema) })
  @ApiNotFoundResponse({ description: "no such client (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async guarantees(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, clientId);
    return relay(
      reply,
      await this.upstream.json('claims-runtime', { path: `/v1/clients/${encodeURIComponent(clientId)}/guarantees`, ...hop(request), identity }),
    );
  }

  @Get(':clientId/claims/summary')
  @ApiParam({ name: 'clientId', example: 'northfield-tech' })
  @ApiQuery({ name: 'from', required: false, example: '2025-01-01' })
  @ApiQuery({ name: 'to', required: false, example: '2025-12-31' })
  @ApiOkResponse({ description: 'net claims by channel x brand/generic with effective AWP discount', schema: openApiSchema(claimsSummarySchema) })
  @ApiNotFoundResponse({ description: "no such client (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async claimsSummary(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Query(new ZodPipe(claimsSummaryQuerySchema)) query: ClaimsSummaryQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertClientVisible(identity, clientId);
    const path = withQuery(`/v1/clients/${encodeURIComponent(clientId)}/claims/summary`, { from: query.from, to: query.to });
    return relay(reply, await this.upstream.json('claims-runtime', { path, ...hop(request), identity }));
  }
}
