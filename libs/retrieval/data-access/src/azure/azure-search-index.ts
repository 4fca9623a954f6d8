import { createHash } from 'node:crypto';
import { IndexDocumentsBatch, SearchClient, SearchIndexClient, type AzureKeyCredential, type SearchOptions } from '@azure/search-documents';
import type { TokenCredential } from '@azure/identity';
import type { EntityManager } from 'typeorm';
import type { SearchModule, SearchSource } from '@leaf/contracts';
import { fuseWeightedRrf, roleRank, type BranchRanking, type SearchScope } from '@leaf/retrieval/domain';
import type { HybridHit, HybridQuery, IndexDocument, SearchIndex } from '../search-index.port';
import { azureIndexDefinition, azureIndexName, semanticConfigurationName, type AzureChunkDocument } from './search-index-definitions';

export interface AzureSearchIndexOptions {
  endpoint: string;
  credential: AzureKeyCredential | TokenCredential;
  indexPrefix: string;
  dimensions: number;
  /** Documents per indexing request (Azure accepts up to 1,000 actions or 16 MB). */
  batchSize?: number;
  maxAttempts?: number;
  /** Re-rank the keyword branch with the semantic ranker (a paid tier feature). */
  semanticRanker?: boolean;
  serviceVersion?: string;
  /** For specs: the SDK's retries are off so this adapter's retry is the one exercised. */
  sdkRetries?: number;
  /** For specs against a local http:// server only; production endpoints are https. */
  allowInsecureConnection?: boolean;
}

/** Azure's key alphabet: the document id's hash, then the chunk's sequence number. */
export const azureChunkKey = (documentId: string, seq: number) => `${createHash('sha256').update(documentId).digest('hex').slice(0, 40)}-${seq}`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The OData filter for one branch: `search.in` over the scope's clients (comma-separated ids;
 * client ids are kebab-case so they hold no comma), the module and the role floor. `'*'` leaves
 * the client test out.
 */
export function azureScopeFilter(scope: SearchScope, module: SearchModule): string {
  const parts = [`module eq ${quote(module)}`, `minRole le ${roleRank(scope.role)}`];
  if (scope.clientIds !== '*') parts.unshift(`search.in(clientId, ${quote(scope.clientIds.join(','))}, ',')`);
  return parts.join(' and ');
}

/**
 * Azure AI Search: one index per module, created from code (`ensureIndexes`), chunks pushed with
 * mergeOrUpload in batches and the previous version's leftover chunks deleted, each request
 * retried on 429/503 and on per-document failures Azure marks retriable. A query sends, per
 * module index the router chose, a keyword request and a vector request, EACH with the scope
 * filter (the vector one pre-filtered), and fuses them with the same weighted RRF as the embedded
 * adapter, so every hit keeps its rank in each branch.
 */
export class AzureSearchIndex implements SearchIndex {
  readonly backend = 'azure-search' as const;
  private readonly clients = new Map<SearchModule, SearchClient<AzureChunkDocument>>();
  private readonly indexes: SearchIndexClient;

  constructor(private readonly options: AzureSearchIndexOptions) {
    this.indexes = new SearchIndexClient(options.endpoint, options.credential, this.clientOptions());
  }

  private clientOptions() {
    return {
      ...(this.options.serviceVersion ? { serviceVersion: this.options.serviceVersion } : {}),
      ...(this.options.sdkRetries === undefined ? {} : { retryOptions: { maxRetries: this.options.sdkRetries } }),
      ...(this.options.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
    };
  }

  vectorBranch(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async ensureIndexes(modules: readonly SearchModule[]): Promise<void> {
    for (const m of modules) await this.indexes.createOrUpdateIndex(azureIndexDefinition(azureIndexName(this.options.indexPrefix, m), this.options.dimensions));
  }

  private client(module: SearchModule): SearchClient<AzureChunkDocument> {
    let c = this.clients.get(module);
    if (!c) {
      c = new SearchClient<AzureChunkDocument>(
        this.options.endpoint,
        azureIndexName(this.options.indexPrefix, module),
        this.options.credential,
        this.clientOptions(),
      );
      this.clients.set(module, c);
    }
    return c;
  }

  async replace(doc: IndexDocument, _tx: EntityManager): Promise<void> {
    const client = this.client(doc.module);
    const docs: AzureChunkDocument[] = doc.chunks.map((c) => ({
      id: azureChunkKey(doc.documentId, c.seq),
      documentId: doc.documentId,
      clientId: doc.clientId,
      module: doc.module,
      minRole: doc.minRole,
      source: doc.source,
      objectId: doc.objectId,
      sha256: doc.sha256,
      title: doc.title,
      locator: c.locator,
      text: c.text,
      ...(c.embedding ? { embedding: [...c.embedding] } : {}),
    }));
    const keep = new Set(docs.map((d) => d.id));
    const stale = (await this.keysOf(doc.module, doc.documentId)).filter((k) => !keep.has(k));
    await this.push(client, docs, 'mergeOrUpload');
    await this.push(
      client,
      stale.map((id) => ({ id }) as AzureChunkDocument),
      'delete',
    );
  }

  async remove(documentIds: readonly string[], _tx: EntityManager): Promise<void> {
    // A document's module is not known here (it may have moved): look in every module index.
    for (const module of [...this.clients.keys()].length
      ? [...this.clients.keys()]
      : (['contracts', 'findings', 'requests', 'takeover', 'docs'] as SearchModule[])) {
      for (const documentId of documentIds) {
        const keys = await this.keysOf(module, documentId);
        await this.push(
          this.client(module),
          keys.map((id) => ({ id }) as AzureChunkDocument),
          'delete',
        );
      }
    }
  }

  private keysOf(module: SearchModule, documentId: string): Promise<string[]> {
    return this.retrying(async () => {
      const keys: string[] = [];
      const result = await this.client(module).search('*', { filter: `documentId eq ${quote(documentId)}`, select: ['id'], top: 1000 });
      for await (const r of result.results) keys.push(r.document.id);
      return keys;
    });
  }

  /** A request Azure answered 429 or 503 is tried again, up to maxAttempts, with a doubling pause. */
  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (!(status === 429 || status === 503) || attempt >= (this.options.maxAttempts ?? 4)) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  private async push(client: SearchClient<AzureChunkDocument>, docs: AzureChunkDocument[], action: 'mergeOrUpload' | 'delete'): Promise<void> {
    const size = this.options.batchSize ?? 500;
    for (let i = 0; i < docs.length; i += size) {
      let pending = docs.slice(i, i + size);
      for (let attempt = 1; pending.length; attempt++) {
        const batch = new IndexDocumentsBatch<AzureChunkDocument>();
        if (action === 'delete') batch.delete(pending);
        else batch.mergeOrUpload(pending);
        let failed: Set<string>;
        try {
          const result = await client.indexDocuments(batch, { throwOnAnyFailure: false });
          // 409, 422 and 503 per document are transient in Azure's documentation; the rest are not.
          const fatal = result.results.filter((r) => !r.succeeded && ![409, 422, 503].includes(r.statusCode));
          if (fatal.length)
            throw new Error(`Azure AI Search refused ${fatal.length} document(s): ${fatal[0]?.statusCode} ${fatal[0]?.errorMessage ?? ''}`.trim());
          failed = new Set(result.results.filter((r) => !r.succeeded).map((r) => r.key));
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (!(status === 429 || status === 503 || status === 207) || attempt >= (this.options.maxAttempts ?? 4)) throw error;
          failed = new Set(pending.map((d) => d.id));
        }
        pending = pending.filter((d) => failed.has(d.id));
        if (pending.length && attempt >= (this.options.maxAttempts ?? 4))
          throw new Error(`Azure AI Search kept failing ${pending.length} document(s) after ${attempt} attempts`);
        if (pending.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  async query(q: HybridQuery): Promise<HybridHit[]> {
    if (!q.scope.modules.length || (q.scope.clientIds !== '*' && !q.scope.clientIds.length)) return [];
    const rankings: BranchRanking<string>[] = [];
    const found = new Map<string, AzureChunkDocument>();
    const select = ['id', 'documentId', 'clientId', 'module', 'source', 'objectId', 'sha256', 'title', 'locator', 'text'] as const;
    await Promise.all(
      q.scope.modules.map(async (module) => {
        const filter = azureScopeFilter(q.scope, module);
        const keywordOptions: SearchOptions<AzureChunkDocument> = this.options.semanticRanker
          ? { filter, top: q.branchDepth, select: [...select], queryType: 'semantic', semanticSearchOptions: { configurationName: semanticConfigurationName } }
          : { filter, top: q.branchDepth, select: [...select], searchMode: 'any' };
        const branches: Promise<void>[] = [
          this.client(module)
            .search(q.text, keywordOptions)
            .then(async (r) => void rankings.push({ branch: 'keyword', hits: await this.collect(r.results, found, this.options.semanticRanker) })),
        ];
        if (q.embedding) {
          const vectorOptions: SearchOptions<AzureChunkDocument> = {
            filter,
            top: q.branchDepth,
            select: [...select],
            vectorSearchOptions: {
              queries: [{ kind: 'vector', vector: [...q.embedding], kNearestNeighborsCount: q.branchDepth, fields: ['embedding'] }],
              filterMode: 'preFilter',
            },
          };
          branches.push(
            this.client(module)
              .search('*', vectorOptions)
              .then(async (r) => void rankings.push({ branch: 'vector', hits: await this.collect(r.results, found, false) })),
          );
        }
        await Promise.all(branches);
      }),
    );
    return fuseWeightedRrf(rankings, q.weights)
      .slice(0, q.limit)
      .map((f) => {
        const d = found.get(f.id) as AzureChunkDocument;
        return {
          chunkId: d.id,
          documentId: d.documentId,
          module: d.module as SearchModule,
          clientId: d.clientId,
          source: d.source as SearchSource,
          objectId: d.objectId,
          sha256: d.sha256,
          title: d.title,
          locator: d.locator,
          text: d.text,
          score: f.score,
          keyword: f.subscores.keyword,
          vector: f.subscores.vector,
        };
      });
  }

  private async collect(
    results: AsyncIterable<{ score: number; rerankerScore?: number; document: AzureChunkDocument }>,
    found: Map<string, AzureChunkDocument>,
    reranked = false,
  ): Promise<{ id: string; score: number }[]> {
    const hits: { id: string; score: number }[] = [];
    for await (const r of results) {
      found.set(r.document.id, r.document);
      hits.push({ id: r.document.id, score: reranked && r.rerankerScore !== undefined ? r.rerankerScore : r.score });
    }
    // The semantic ranker reorders by its own score.
    if (reranked) hits.sort((a, b) => b.score - a.score);
    return hits;
  }
}
