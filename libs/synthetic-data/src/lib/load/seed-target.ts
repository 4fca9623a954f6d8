import type { PGlite } from '@electric-sql/pglite';
import type { ClientBase } from 'pg';

/**
 * Where a seed goes. A real PostgreSQL by URL (the loader opens and closes its own connection)
 * or through a connected client the caller owns; PGlite in process, because COPY FROM STDIN
 * does not survive its socket server.
 */
export type SeedTarget =
  | { readonly kind: 'postgres'; readonly connectionString: string }
  | { readonly kind: 'postgres'; readonly client: ClientBase }
  | { readonly kind: 'pglite'; readonly db: PGlite };
