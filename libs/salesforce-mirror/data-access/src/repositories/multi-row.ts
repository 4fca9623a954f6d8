import type { EntityManager } from 'typeorm';

/**
 * `INSERT … VALUES (…), (…) ON CONFLICT (key) DO UPDATE`, many rows per statement: a sync writes
 * thousands of rows, and one round trip per row is what made PGlite crawl (about 20k rows/s at
 * best through single inserts). 400 rows × up to 13 columns stays far under PostgreSQL's
 * 65,535 parameters.
 */
export async function upsertRows(
  m: EntityManager,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  key: string,
  update: readonly string[],
  casts: Readonly<Record<string, string>> = {},
): Promise<void> {
  const size = 400;
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    const params: unknown[] = [];
    const values = batch.map((row) => `(${row.map((v, j) => `$${params.push(v)}${casts[columns[j]] ? `::${casts[columns[j]]}` : ''}`).join(', ')})`);
    await m.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}
       ON CONFLICT (${key}) DO UPDATE SET ${update.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      params,
    );
  }
}
