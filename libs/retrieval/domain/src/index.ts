export * from './embedding/embedding-function';
export * from './embedding/lexical-embedding';
export * from './chunking/chunk-document';
export * from './fusion/weighted-rrf';
export * from './routing/route-query';
export * from './scope/search-scope';
