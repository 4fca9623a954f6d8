import type { EntityManager } from 'typeorm';
import type { SearchModule, SearchSource } from '@leaf/contracts';
import type { BranchWeights, SearchScope } from '@leaf/retrieval/domain';

/** A chunk ready to index: the document's scope copied onto it, its embedding computed. */
export interface IndexChunk {
  readonly seq: number;
  readonly locator: string;
  readonly text: string;
  readonly embedding: readonly number[] | null;
}

export interface IndexDocument {
  readonly documentId: string;
  readonly module: SearchModule;
  readonly clientId: string;
  readonly source: SearchSource;
  readonly objectId: string;
  readonly title: string;
  readonly sha256: string;
  /** 0 = reader … 3 = admin. */
  readonly minRole: number;
  readonly embeddingModel: string;
  readonly chunks: readonly IndexChunk[];
}

export interface HybridQuery {
  readonly text: string;
  readonly embedding: readonly number[] | null;
  readonly scope: SearchScope;
  readonly weights: BranchWeights;
  readonly limit: number;
  /** How deep each branch goes before fusion. */
  readonly branchDepth: number;
}

export interface HybridHit {
  readonly chunkId: string;
  readonly documentId: string;
  readonly module: SearchModule;
  readonly clientId: string;
  readonly source: SearchSource;
  readonly objectId: string;
  readonly sha256: string;
  readonly title: string;
  readonly locator: string;
  readonly text: string;
  readonly score: number;
  readonly keyword: { rank: number; score: number } | null;
  readonly vector: { rank: number; score: number } | null;
}

/**
 * Where chunks are indexed and searched: the PostgreSQL hybrid index (embedded) or Azure AI
 * Search (production). Both apply `scope` inside each branch, never to the fused list.
 */
export interface SearchIndex {
  readonly backend: 'postgres' | 'azure-search';
  /** Whether the vector branch runs (false on a PostgreSQL server without pgvector). */
  vectorBranch(): Promise<boolean>;
  /**
   * Replaces every chunk of the document. `tx` is the transaction recording the document in the
   * registry: the PostgreSQL index writes in it (all or nothing); Azure pushes before it commits
   * (a failed push rolls the registry back and the message is retried; a push is idempotent).
   */
  replace(doc: IndexDocument, tx: EntityManager): Promise<void>;
  remove(documentIds: readonly string[], tx: EntityManager): Promise<void>;
  query(q: HybridQuery): Promise<HybridHit[]>;
}

export const SEARCH_INDEX = Symbol('SEARCH_INDEX');
