import { PersistenceError } from '../errors/persistence.error';
import type { DatabaseConfig } from './database-config';
import { parseDatabaseUrl } from './parse-database-url';
import { redactUrl } from '@leaf/platform';

/**
 * Every service's operational state lives in PostgreSQL (PGlite locally): leases, SKIP LOCKED
 * claims, advisory locks and the embedded bus are PostgreSQL SQL. SQL Server is only ever the
 * read-only claims authority (and later the curated publication store), so a SQL Server URL here
 * is refused up front instead of failing on the first PostgreSQL-only statement.
 */
export function parseOperationalDatabaseUrl(raw: string, setting = 'LEAF_DATABASE_URL'): DatabaseConfig {
  const config = parseDatabaseUrl(raw);
  if (config.kind === 'mssql') {
    throw new PersistenceError(
      'PERSISTENCE_URL_INVALID',
      `${setting} ${redactUrl(raw)}: operational state lives in PostgreSQL (postgres://, or pglite: locally); SQL Server is only the claims source (LEAF_CLAIMS_SOURCE_URL)`,
    );
  }
  return config;
}
