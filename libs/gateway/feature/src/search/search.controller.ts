import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { searchQuerySchema, searchResponseSchema, type Identity, type SearchQuery } from '@leaf/contracts';
import { CurrentIdentity, ZodPipe, assertClientVisible } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';

/**
 * Search over contracts, findings, requests, takeover comparisons and docs (retrieval). A
 * clientId the caller cannot see is a 404 here already; retrieval applies the caller's scope
 * again inside every branch of its query.
 */
@ApiTags('search')
@ApiBearerAuth('entra')
@Controller('v1/search')
export class SearchController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get()
  @ApiOkResponse({
    description: "hits of the caller's clients, best first, with provenance, per-branch ranks and the scope applied",
    schema: openApiSchema(searchResponseSchema),
  })
  async search(
    @Query(new ZodPipe(searchQuerySchema)) query: SearchQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const path = withQuery('/v1/search', { q: query.q, module: query.module, clientId: query.clientId, limit: query.limit });
    return relay(reply, await this.upstream.json('retrieval', { path, identity, ...hop(request) }));
  }
}
