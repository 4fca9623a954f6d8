import { Inject, Injectable } from '@nestjs/common';
import type { Identity, SearchQuery, SearchResponse } from '@leaf/contracts';
import { AppError, assertClientVisible, visibleClientIds } from '@leaf/platform';
import { SEARCH_INDEX, type SearchIndex } from '@leaf/retrieval/data-access';
import { describeScope, mayAccessModule, routeQuery, scopedClients, strongestRole, type EmbeddingFunction, type SearchScope } from '@leaf/retrieval/domain';
import { BRANCH_DEPTH, EMBEDDING } from '../retrieval.tokens';

/**
 * A scoped search: the caller's clients (or the one asked for, which it must see: 404
 * otherwise, like every client route), the modules the router picks from the query and the
 * caller's role, then one hybrid query whose every branch applies that scope. The answer says
 * what was searched and why, and each hit carries its provenance and its rank in each branch.
 */
@Injectable()
export class SearchDocuments {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDING) private readonly embedding: EmbeddingFunction,
    @Inject(BRANCH_DEPTH) private readonly branchDepth: number,
  ) {}

  async search(identity: Identity, query: SearchQuery): Promise<SearchResponse> {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const role = strongestRole(identity.roles);
    if (query.module && !mayAccessModule(role, query.module)) throw new AppError('FORBIDDEN', `searching ${query.module} needs the analyst role`);
    const route = routeQuery(query.q, role, query.module);
    const clientIds = scopedClients(visibleClientIds(identity), query.clientId);
    const scope: SearchScope = { clientIds, modules: route.modules, role };
    const vector = await this.index.vectorBranch();
    const [queryVector] = vector ? await this.embedding.embed([query.q]) : [null];
    const hits = await this.index.query({
      text: query.q,
      embedding: queryVector ?? null,
      scope,
      weights: route.weights,
      limit: query.limit,
      branchDepth: Math.max(this.branchDepth, query.limit),
    });
    return {
      q: query.q,
      route: { modules: route.modules, reason: route.reason },
      scope: {
        clientIds: clientIds === '*' ? '*' : [...clientIds],
        role,
        decision: describeScope(scope) + (vector ? '' : '; vector branch unavailable (the server has no pgvector): keyword branch only'),
      },
      backend: this.index.backend,
      hits: hits.map((h) => ({
        documentId: h.documentId,
        chunkId: h.chunkId,
        module: h.module,
        clientId: h.clientId,
        title: h.title,
        text: h.text,
        provenance: { source: h.source, objectId: h.objectId, locator: h.locator, sha256: h.sha256 },
        score: h.score,
        subscores: { keyword: h.keyword, vector: h.vector },
      })),
    };
  }
}
