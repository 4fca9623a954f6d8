import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  reindexBodySchema,
  searchQuerySchema,
  type Identity,
  type ReindexBody,
  type ReindexResult,
  type SearchQuery,
  type SearchResponse,
} from '@leaf/contracts';
import { CurrentIdentity, RequireRole, ZodPipe, assertClientVisible } from '@leaf/platform';
import { ReindexDocuments } from '../reindex/reindex-documents.usecase';
import { SearchDocuments } from './search-documents.usecase';

/** GET /v1/search (scoped by the caller's identity) and the operator's reindex. */
@Controller('v1/search')
export class SearchController {
  constructor(
    private readonly searching: SearchDocuments,
    private readonly reindexing: ReindexDocuments,
  ) {}

  @Get()
  search(@CurrentIdentity() identity: Identity, @Query(new ZodPipe(searchQuerySchema)) query: SearchQuery): Promise<SearchResponse> {
    return this.searching.search(identity, query);
  }

  /** Rebuilds chunks and embeddings from the registry (the `retrieval.reindex` task calls this). */
  @Post('reindex')
  @HttpCode(200)
  @RequireRole('operator')
  reindex(@CurrentIdentity() identity: Identity, @Body(new ZodPipe(reindexBodySchema)) body: ReindexBody): Promise<ReindexResult> {
    if (body?.clientId) assertClientVisible(identity, body.clientId);
    return this.reindexing.reindex(identity, body ?? {});
  }
}
