import { outboxMigrations } from '@leaf/messaging';
import { DATA_SOURCE, postgresMigrations } from '@leaf/persistence';
import { SearchDocumentsRegistry, retrievalMigrations } from '@leaf/retrieval/data-access';
import { defineService } from '@leaf/service-kit';
import type { DataSource } from 'typeorm';
import { retrievalConfigSchema, type RetrievalConfig } from './config/retrieval.config';
import { IndexSearchDocument } from './indexing/index-search-document.usecase';
import { SearchDocumentsHandlers } from './indexing/search-documents.handlers';
import { ReindexDocuments } from './reindex/reindex-documents.usecase';
import { BRANCH_DEPTH } from './retrieval.tokens';
import { embeddingProvider, searchIndexProvider } from './search-backends';
import { SearchController } from './search/search.controller';
import { SearchDocuments } from './search/search-documents.usecase';

/**
 * retrieval: scoped, source-aware search. It drains every `*.search-documents.v1` topic into a
 * document registry and an index split by module (the PostgreSQL hybrid index embedded, Azure AI
 * Search in production), and answers GET /v1/search with the caller's client scope applied
 * inside every branch of the hybrid query.
 */
export const retrievalService = defineService<RetrievalConfig>(
  'retrieval',
  (config) => ({
    controllers: [SearchController, SearchDocumentsHandlers],
    providers: [
      { provide: SearchDocumentsRegistry, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new SearchDocumentsRegistry(ds) },
      { provide: BRANCH_DEPTH, useValue: config.LEAF_SEARCH_BRANCH_DEPTH },
      embeddingProvider(config),
      searchIndexProvider(config),
      IndexSearchDocument,
      SearchDocuments,
      ReindexDocuments,
    ],
  }),
  {
    // The foundation schema (clients), the inbox its handlers record applied messages in (with
    // the outbox tables), and its registry and index.
    migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...retrievalMigrations.postgres],
    configSchema: retrievalConfigSchema,
  },
);
