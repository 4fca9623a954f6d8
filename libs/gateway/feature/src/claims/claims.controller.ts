import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  claimsSummaryQuerySchema,
  claimsSummarySchema,
  clientListSchema,
  clientParamsSchema,
  guaranteeListSchema,
  problemSchema,
  type ClaimsSummaryQuery,
  type Identity,
} from '@leaf/contracts';
import { CurrentIdentity, ZodPipe } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { UpstreamClient } from '../upstream/upstream.client';

/**
 * Routes owned by claims-runtime. Input is validated here and again by the service; the answer,
 * problems included, passes through with the service's status and content type.
 */
@ApiTags('clients')
@Controller('v1/clients')
export class ClaimsController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get()
  @ApiOkResponse({ description: 'clients with their contract periods', schema: openApiSchema(clientListSchema) })
  async list(@CurrentIdentity() identity: Identity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.forward('/v1/clients', identity, request, reply);
  }

  @Get(':clientId/guarantees')
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiOkResponse({ description: 'current version of every contracted term, with its evidence', schema: openApiSchema(guaranteeListSchema) })
  @ApiNotFoundResponse({ description: 'no such client', schema: openApiSchema(problemSchema) })
  async guarantees(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.forward(`/v1/clients/${encodeURIComponent(clientId)}/guarantees`, identity, request, reply);
  }

  @Get(':clientId/claims/summary')
  @ApiParam({ name: 'clientId', example: 'harbor-valley-sd' })
  @ApiQuery({ name: 'from', required: false, example: '2025-01-01' })
  @ApiQuery({ name: 'to', required: false, example: '2025-12-31' })
  @ApiOkResponse({ description: 'net claims by channel x brand/generic with effective AWP discount', schema: openApiSchema(claimsSummarySchema) })
  @ApiNotFoundResponse({ description: 'no such client', schema: openApiSchema(problemSchema) })
  async claimsSummary(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Query(new ZodPipe(claimsSummaryQuerySchema)) query: ClaimsSummaryQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const qs = search.size ? `?${search}` : '';
    return this.forward(`/v1/clients/${encodeURIComponent(clientId)}/claims/summary${qs}`, identity, request, reply);
  }

  private async forward(path: string, identity: Identity, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const answer = await this.upstream.get('claims-runtime', path, request.id, identity);
    void reply.status(answer.status).header('content-type', answer.contentType);
    return answer.body;
  }
}
