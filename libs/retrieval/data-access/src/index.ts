export * from './migrations/1735500000000-retrieval-schema';
export * from './search-index.port';
export * from './postgres/hybrid-query.sql';
export * from './postgres/postgres-search-index';
export * from './registry/search-documents.registry';
export * from './azure/search-index-definitions';
export * from './azure/azure-search-index';
export * from './embedding/azure-openai-embedding';
