import type { DataSource } from 'typeorm';
import { PersistenceError } from '../errors/persistence.error';

/** An arbitrary constant shared by every Leaf process: the advisory lock that serialises migration runs. */
export const migrationLockId = 7_305_011_732;

// Every run in this process goes through one queue. Besides ordering in-process callers, this is
// what protects PGlite: all its connections share one backend session, where an advisory lock
// is re-entrant and so excludes nobody.
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Applies pending migrations, each in its own transaction, and returns the names applied (empty
 * when the schema is current: a second run is a no-op). Services that start together race to
 * migrate; on PostgreSQL a session advisory lock makes the losers wait and then find nothing to do.
 */
export function runMigrations(dataSource: DataSource): Promise<string[]> {
  const run = inProcessQueue.then(() => migrateUnderLock(dataSource));
  inProcessQueue = run.catch(() => undefined);
  return run;
}

async function migrateUnderLock(dataSource: DataSource): Promise<string[]> {
  if (!dataSource.isInitialized) {
    throw new PersistenceError('PERSISTENCE_MIGRATION_FAILED', 'Cannot run migrations: the data source is not initialised');
  }
  // Only PostgreSQL is migrated: a SQL Server source is the read-only claims authority and
  // carries no migrations, so there is nothing there to serialise.
  const lock = dataSource.options.type === 'postgres' ? dataSource.createQueryRunner() : undefined;
  try {
    if (lock) {
      await lock.connect();
      await lock.query('SELECT pg_advisory_lock($1)', [migrationLockId]);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } catch (error) {
    throw new PersistenceError('PERSISTENCE_MIGRATION_FAILED', `Migration failed: ${describe(error)}`, { cause: error });
  } finally {
    if (lock) {
      await lock.query('SELECT pg_advisory_unlock($1)', [migrationLockId]).catch(() => undefined);
      await lock.release();
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
