import type { DataSource } from 'typeorm';

/**
 * COPY FROM STDIN on a real PostgreSQL; PGlite served over its socket cannot take COPY FROM STDIN
 * (the copy sub-protocol breaks the connection), so there rows go in as batched
 * `INSERT … SELECT FROM unnest(typed arrays)`, one statement per batch.
 */
export type BulkMode = 'copy' | 'insert';

export async function detectBulkMode(ds: DataSource): Promise<BulkMode> {
  const rows = (await ds.query(`SELECT version() AS version`)) as { version: string }[];
  return /PGlite/i.test(rows[0]?.version ?? '') ? 'insert' : 'copy';
}
