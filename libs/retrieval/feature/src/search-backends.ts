import { DefaultAzureCredential } from '@azure/identity';
import { AzureKeyCredential } from '@azure/search-documents';
import type { Provider } from '@nestjs/common';
import { searchModules } from '@leaf/contracts';
import { DATA_SOURCE } from '@leaf/persistence';
import {
  AzureOpenAiEmbedding,
  AzureSearchIndex,
  PostgresSearchIndex,
  SEARCH_INDEX,
  retrievalEmbeddingDimensions,
  type SearchIndex,
} from '@leaf/retrieval/data-access';
import { LexicalEmbedding, type EmbeddingFunction } from '@leaf/retrieval/domain';
import type { DataSource } from 'typeorm';
import type { RetrievalConfig } from './config/retrieval.config';
import { EMBEDDING } from './retrieval.tokens';

/** Both functions produce vectors of the index's one dimension (the schema's vector(256)). */
export function embeddingFor(config: RetrievalConfig): EmbeddingFunction {
  if (config.LEAF_EMBEDDING === 'lexical') return new LexicalEmbedding(retrievalEmbeddingDimensions);
  return new AzureOpenAiEmbedding({
    // The config schema guarantees both are present with azure-openai.
    endpoint: config.LEAF_AZURE_OPENAI_ENDPOINT ?? '',
    deployment: config.LEAF_AZURE_OPENAI_EMBEDDING_DEPLOYMENT ?? '',
    dimensions: retrievalEmbeddingDimensions,
    ...(config.LEAF_AZURE_OPENAI_API_KEY ? { apiKey: config.LEAF_AZURE_OPENAI_API_KEY } : { credential: new DefaultAzureCredential() }),
  });
}

export const embeddingProvider = (config: RetrievalConfig): Provider => ({ provide: EMBEDDING, useFactory: () => embeddingFor(config) });

/** The index: PostgreSQL in the service database, or Azure AI Search with its indexes created from code at start. */
export const searchIndexProvider = (config: RetrievalConfig): Provider => ({
  provide: SEARCH_INDEX,
  inject: [DATA_SOURCE],
  useFactory: async (ds: DataSource): Promise<SearchIndex> => {
    if (config.LEAF_SEARCH_BACKEND === 'postgres') {
      const index = new PostgresSearchIndex(ds);
      // Known before the first handler opens a transaction (see PostgresSearchIndex.vectorBranch).
      await index.vectorBranch();
      return index;
    }
    const azure = new AzureSearchIndex({
      endpoint: config.LEAF_SEARCH_ENDPOINT ?? '',
      credential: config.LEAF_SEARCH_API_KEY ? new AzureKeyCredential(config.LEAF_SEARCH_API_KEY) : new DefaultAzureCredential(),
      indexPrefix: config.LEAF_SEARCH_INDEX_PREFIX,
      dimensions: retrievalEmbeddingDimensions,
      semanticRanker: config.LEAF_SEARCH_SEMANTIC_RANKER,
    });
    await azure.ensureIndexes(searchModules);
    return azure;
  },
});
