/**
 * What the seed-run queries need from a connection: `pg` clients and pools and PGlite instances
 * (and their transactions) all fit, so the local stack can ask before it opens anything heavier.
 */
export interface SqlQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
