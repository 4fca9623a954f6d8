import { roleRank, type SearchScope } from '@leaf/retrieval/domain';
import { rrfK } from '@leaf/retrieval/domain';

export interface SqlQuery {
  readonly sql: string;
  readonly parameters: unknown[];
}

/**
 * The scope predicate, written once and placed inside each branch: client, module and role floor
 * on the chunk row itself. `'*'` (every client) leaves the client test out rather than passing
 * every id. Parameter numbers start after `offset`.
 */
export function scopePredicate(scope: SearchScope, offset: number): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [[...scope.modules], roleRank(scope.role)];
  const parts = [`c.module = ANY($${offset + 1}::varchar[])`, `c.min_role <= $${offset + 2}`];
  if (scope.clientIds !== '*') {
    parameters.push([...scope.clientIds]);
    parts.unshift(`c.client_id = ANY($${offset + 3}::varchar[])`);
  }
  return { sql: parts.join(' AND '), parameters };
}

/**
 * The words of the query as an OR of their English lexemes: a chunk with more of them ranks
 * higher (ts_rank), and one with a single word is still a candidate (AND would find nothing for
 * most natural questions).
 */
export const orTsQuery = (p: string) => `NULLIF(replace(plainto_tsquery('english', ${p})::text, ' & ', ' | '), '')::tsquery`;

export interface HybridSqlInput {
  text: string;
  embedding: readonly number[] | null;
  scope: SearchScope;
  weights: { keyword: number; vector: number };
  limit: number;
  branchDepth: number;
}

/**
 * One statement: the keyword branch (GIN) and the vector branch (HNSW), each filtered by the
 * scope INSIDE the branch and cut to `branchDepth`, fused by weighted RRF (w / (k + rank)) on a
 * full outer join, then joined to the document registry for provenance. Without an embedding
 * (no pgvector on the server) the vector branch is left out, not faked.
 */
export function hybridQuerySql(input: HybridSqlInput): SqlQuery {
  const parameters: unknown[] = [input.text, input.branchDepth, input.limit, input.weights.keyword, input.weights.vector];
  const kwScope = scopePredicate(input.scope, parameters.length);
  parameters.push(...kwScope.parameters);
  // ts_rank once per matching row; the ranks are numbered over the branch's top rows only.
  const keyword = `kw AS (
    SELECT chunk_id, score, row_number() OVER (ORDER BY score DESC, chunk_id) AS rank
    FROM (
      SELECT c.chunk_id, ts_rank(c.content_tsv, q.tsq) AS score
      FROM retrieval_chunks c, (SELECT ${orTsQuery('$1')} AS tsq) q
      WHERE c.content_tsv @@ q.tsq AND ${kwScope.sql}
      ORDER BY score DESC, c.chunk_id
      LIMIT $2
    ) matched
  )`;
  let vector = `vec AS (SELECT NULL::bigint AS chunk_id, NULL::float8 AS score, NULL::bigint AS rank WHERE false)`;
  if (input.embedding) {
    parameters.push(vectorLiteral(input.embedding));
    const v = `$${parameters.length}::vector`;
    const vecScope = scopePredicate(input.scope, parameters.length);
    parameters.push(...vecScope.parameters);
    vector = `vec AS (
    SELECT chunk_id, 1 - distance AS score, row_number() OVER (ORDER BY distance, chunk_id) AS rank
    FROM (
      SELECT c.chunk_id, c.embedding <=> ${v} AS distance
      FROM retrieval_chunks c
      WHERE c.embedding IS NOT NULL AND ${vecScope.sql}
      ORDER BY c.embedding <=> ${v}
      LIMIT $2
    ) nearest
  )`;
  }
  const sql = `WITH ${keyword},
  ${vector},
  fused AS (
    SELECT COALESCE(kw.chunk_id, vec.chunk_id) AS chunk_id,
           COALESCE($4::float8 / (${rrfK} + kw.rank), 0) + COALESCE($5::float8 / (${rrfK} + vec.rank), 0) AS score,
           kw.rank AS kw_rank, kw.score AS kw_score, vec.rank AS vec_rank, vec.score AS vec_score
    FROM kw FULL OUTER JOIN vec ON kw.chunk_id = vec.chunk_id
  )
  SELECT f.chunk_id, f.score, f.kw_rank, f.kw_score, f.vec_rank, f.vec_score,
         c.document_id, c.module, c.client_id, c.locator, c.title, c.text, d.source, d.object_id, d.sha256
  FROM fused f
  JOIN retrieval_chunks c ON c.chunk_id = f.chunk_id
  JOIN retrieval_documents d ON d.document_id = c.document_id
  ORDER BY f.score DESC, f.kw_rank NULLS LAST, f.vec_rank NULLS LAST, f.chunk_id
  LIMIT $3`;
  return { sql, parameters };
}

/** pgvector's text form: `[0.1,0.2,…]`. */
export function vectorLiteral(v: readonly number[]): string {
  return `[${v.join(',')}]`;
}
