import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The vector dimension of every stored embedding (the lexical function's and Azure OpenAI's `dimensions`). */
export const retrievalEmbeddingDimensions = 256;

/**
 * The document registry (one row per search document: its module, client, source object, content
 * hash and state) and the embedded index: one row per chunk with the scope columns copied onto it
 * (client, module, role floor) so that every branch filters the chunk row itself, a generated
 * `tsvector` (title weight B, text weight A) under GIN, and a pgvector embedding under HNSW
 * (cosine). The `vector` extension is created where the server offers it (PGlite with
 * pglite-pgvector, Azure Database for PostgreSQL once allow-listed); a server without it gets the
 * keyword index only, and the adapter reports the vector branch as unavailable instead of
 * pretending.
 */
export const retrievalSchemaPostgres: readonly string[] = [
  `CREATE TABLE retrieval_documents (
    document_id VARCHAR(200) PRIMARY KEY,
    module VARCHAR(16) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    source VARCHAR(32) NOT NULL,
    object_id VARCHAR(200) NOT NULL,
    kind VARCHAR(32) NULL,
    title VARCHAR(500) NOT NULL,
    sha256 CHAR(64) NOT NULL,
    locator VARCHAR(200) NOT NULL,
    min_role SMALLINT NOT NULL DEFAULT 0,
    status VARCHAR(16) NOT NULL,
    superseded_by VARCHAR(200) NULL,
    source_updated_at TIMESTAMPTZ NULL,
    body TEXT NOT NULL,
    indexed_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_retrieval_documents_client ON retrieval_documents (client_id, module)`,
  `CREATE TABLE retrieval_chunks (
    chunk_id BIGSERIAL PRIMARY KEY,
    document_id VARCHAR(200) NOT NULL REFERENCES retrieval_documents(document_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    module VARCHAR(16) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    min_role SMALLINT NOT NULL DEFAULT 0,
    locator VARCHAR(200) NOT NULL,
    title VARCHAR(500) NOT NULL,
    text TEXT NOT NULL,
    embedding_model VARCHAR(64) NULL,
    content_tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'B') || setweight(to_tsvector('english', text), 'A')) STORED,
    CONSTRAINT uq_retrieval_chunks_seq UNIQUE (document_id, seq)
  )`,
  `CREATE INDEX ix_retrieval_chunks_tsv ON retrieval_chunks USING gin (content_tsv)`,
  `CREATE INDEX ix_retrieval_chunks_scope ON retrieval_chunks (client_id, module)`,
];

export const retrievalVectorSchemaPostgres: readonly string[] = [
  `CREATE EXTENSION IF NOT EXISTS vector`,
  `ALTER TABLE retrieval_chunks ADD COLUMN embedding vector(${retrievalEmbeddingDimensions}) NULL`,
  `CREATE INDEX ix_retrieval_chunks_embedding ON retrieval_chunks USING hnsw (embedding vector_cosine_ops)`,
];

export async function vectorExtensionAvailable(runner: Pick<QueryRunner, 'query'>): Promise<boolean> {
  const rows = (await runner.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)) as unknown[];
  return rows.length > 0;
}

export class RetrievalSchema1735500000000 implements MigrationInterface {
  name = 'RetrievalSchema1735500000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of retrievalSchemaPostgres) await runner.query(statement);
    if (await vectorExtensionAvailable(runner)) for (const statement of retrievalVectorSchemaPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    // The extension stays: other schemas on the server may use it.
    await runner.query(`DROP TABLE retrieval_chunks`);
    await runner.query(`DROP TABLE retrieval_documents`);
  }
}

/** The registry and the embedded index are operational state: PostgreSQL (PGlite locally) only. */
export const retrievalMigrations = { postgres: [RetrievalSchema1735500000000] };
