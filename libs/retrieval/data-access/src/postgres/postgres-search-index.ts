import type { DataSource, EntityManager } from 'typeorm';
import type { SearchModule, SearchSource } from '@leaf/contracts';
import type { HybridHit, HybridQuery, IndexDocument, SearchIndex } from '../search-index.port';
import { hybridQuerySql, vectorLiteral } from './hybrid-query.sql';

interface HitRow {
  chunk_id: string;
  score: number;
  kw_rank: string | null;
  kw_score: number | null;
  vec_rank: string | null;
  vec_score: number | null;
  document_id: string;
  module: SearchModule;
  client_id: string;
  locator: string;
  title: string;
  text: string;
  source: SearchSource;
  object_id: string;
  sha256: string;
}

/** Chunks per INSERT: one statement of unnested arrays, well under the bind-parameter limit. */
const insertBatch = 500;

/**
 * The embedded hybrid index on PostgreSQL/PGlite: `retrieval_chunks` with a generated tsvector
 * (GIN) and a pgvector embedding (HNSW, cosine), queried in one statement (see hybridQuerySql).
 * HNSW is approximate and filters after its candidate list, so a narrow scope (one client of
 * many) could come back short: the query runs with pgvector's iterative scan, which keeps
 * walking the graph until enough rows pass the scope filter.
 */
export class PostgresSearchIndex implements SearchIndex {
  readonly backend = 'postgres' as const;
  private hasVector?: Promise<boolean>;

  constructor(
    private readonly ds: DataSource,
    private readonly options: { efSearch?: number } = {},
  ) {}

  /**
   * Asked once. Inside a transaction pass its manager: PGlite has one backend, so a query on
   * another connection would wait for the open transaction that waits for it.
   */
  vectorBranch(tx?: EntityManager): Promise<boolean> {
    this.hasVector ??= (tx ?? this.ds)
      .query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'retrieval_chunks' AND column_name = 'embedding'`)
      .then((rows: unknown[]) => rows.length > 0);
    return this.hasVector;
  }

  async replace(doc: IndexDocument, tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM retrieval_chunks WHERE document_id = $1`, [doc.documentId]);
    const withVector = await this.vectorBranch(tx);
    for (let i = 0; i < doc.chunks.length; i += insertBatch) {
      const batch = doc.chunks.slice(i, i + insertBatch);
      const columns = [batch.map((c) => c.seq), batch.map((c) => c.locator), batch.map((c) => c.text)];
      if (withVector) {
        await tx.query(
          `INSERT INTO retrieval_chunks (document_id, seq, module, client_id, min_role, title, embedding_model, locator, text, embedding)
           SELECT $1, t.seq, $2, $3, $4, $5, $6, t.locator, t.text, t.embedding::vector
           FROM unnest($7::int[], $8::varchar[], $9::text[], $10::text[]) AS t(seq, locator, text, embedding)`,
          [
            doc.documentId,
            doc.module,
            doc.clientId,
            doc.minRole,
            doc.title,
            doc.embeddingModel,
            ...columns,
            batch.map((c) => (c.embedding ? vectorLiteral(c.embedding) : null)),
          ],
        );
      } else {
        await tx.query(
          `INSERT INTO retrieval_chunks (document_id, seq, module, client_id, min_role, title, embedding_model, locator, text)
           SELECT $1, t.seq, $2, $3, $4, $5, NULL, t.locator, t.text
           FROM unnest($6::int[], $7::varchar[], $8::text[]) AS t(seq, locator, text)`,
          [doc.documentId, doc.module, doc.clientId, doc.minRole, doc.title, ...columns],
        );
      }
    }
  }

  async remove(documentIds: readonly string[], tx: EntityManager): Promise<void> {
    if (documentIds.length) await tx.query(`DELETE FROM retrieval_chunks WHERE document_id = ANY($1::varchar[])`, [[...documentIds]]);
  }

  async query(q: HybridQuery): Promise<HybridHit[]> {
    if (!q.scope.modules.length || (q.scope.clientIds !== '*' && !q.scope.clientIds.length)) return [];
    const withVector = (await this.vectorBranch()) && q.embedding !== null;
    const { sql, parameters } = hybridQuerySql({ ...q, embedding: withVector ? q.embedding : null });
    const rows = withVector
      ? await this.ds.transaction(async (m) => {
          // Settings for this transaction only (PGlite has one session for every connection).
          await m.query(`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $1, true)`, [
            String(this.options.efSearch ?? Math.max(40, q.branchDepth)),
          ]);
          return (await m.query(sql, parameters)) as HitRow[];
        })
      : ((await this.ds.query(sql, parameters)) as HitRow[]);
    return rows.map(toHit);
  }
}

function toHit(r: HitRow): HybridHit {
  return {
    chunkId: String(r.chunk_id),
    documentId: r.document_id,
    module: r.module,
    clientId: r.client_id,
    source: r.source,
    objectId: r.object_id,
    sha256: r.sha256,
    title: r.title,
    locator: r.locator,
    text: r.text,
    score: Number(r.score),
    keyword: r.kw_rank === null ? null : { rank: Number(r.kw_rank), score: Number(r.kw_score) },
    vector: r.vec_rank === null ? null : { rank: Number(r.vec_rank), score: Number(r.vec_score) },
  };
}
