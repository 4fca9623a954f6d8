import { Inject, Injectable } from '@nestjs/common';
import { searchDocumentV1, type Identity, type SearchModule } from '@leaf/contracts';
import { visibleClientIds } from '@leaf/platform';
import { SEARCH_INDEX, SearchDocumentsRegistry, type SearchIndex } from '@leaf/retrieval/data-access';
import type { EmbeddingFunction } from '@leaf/retrieval/domain';
import { EMBEDDING } from '../retrieval.tokens';
import { IndexSearchDocument } from '../indexing/index-search-document.usecase';

const page = 100;

/**
 * Rebuilds the index from the registry's searchable documents: re-chunks and re-embeds each one
 * (after a change of chunking rules or embedding model, or into a fresh Azure index). Scoped: an
 * operator of some clients rebuilds only theirs. Document by document, each in its own
 * transaction, so a long reindex never holds one big transaction.
 */
@Injectable()
export class ReindexDocuments {
  constructor(
    private readonly registry: SearchDocumentsRegistry,
    private readonly indexing: IndexSearchDocument,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDING) private readonly embedding: EmbeddingFunction,
  ) {}

  async reindex(identity: Identity, filter: { clientId?: string; module?: SearchModule }) {
    const started = Date.now();
    const visible = visibleClientIds(identity);
    const clients = filter.clientId ? [filter.clientId] : visible === '*' ? [undefined] : visible;
    let documents = 0;
    let chunks = 0;
    for (const clientId of clients) {
      let after: string | null = null;
      for (;;) {
        const batch = await this.registry.page({ clientId, module: filter.module }, after, page);
        for (const d of batch) {
          const doc = searchDocumentV1.parse(JSON.parse(d.body));
          const prepared = await this.indexing.prepare(doc);
          await this.registry.transaction(async (m) => {
            await this.index.replace(
              {
                documentId: d.documentId,
                module: d.module,
                clientId: d.clientId,
                source: d.source,
                objectId: d.objectId,
                title: d.title,
                sha256: d.sha256,
                minRole: d.minRole,
                embeddingModel: this.embedding.name,
                chunks: prepared.chunks,
              },
              m,
            );
          });
          documents += 1;
          chunks += prepared.chunks.length;
        }
        if (batch.length < page) break;
        after = batch[batch.length - 1]!.documentId;
      }
    }
    return { documents, chunks, embedding: this.embedding.name, backend: this.index.backend, durationMs: Date.now() - started };
  }
}
