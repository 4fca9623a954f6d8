import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../embedded/embedded-postgres';
import { PersistenceError } from '../errors/persistence.error';
import { redactUrl } from '@leaf/platform';

export interface TestDatabase {
  /** A `postgres://` URL for `pg`, TypeORM or any service under test. */
  url: string;
  /** The in-process PGlite (pglite target only), for `COPY ... FROM '/dev/blob'` loads. */
  pglite?: PGlite;
  /** Stops the embedded server or drops the database (WITH (FORCE)). Safe to call twice. */
  drop(): Promise<void>;
}

export type TestDatabaseTargetName = 'pglite' | 'postgres';

export interface TestDatabaseTarget {
  name: TestDatabaseTargetName;
  create(): Promise<TestDatabase>;
}

/** Prefix of every database this helper creates, so a crashed run's leftovers are recognisable. */
export const testDatabasePrefix = 'leaf_test_';

/**
 * The databases every integration suite runs against:
 *
 * ```ts
 * describe.each(testDatabaseTargets())('claims repository on $name', ({ create }) => {
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await create(); });
 *   afterAll(() => db?.drop());
 * });
 * ```
 *
 * `pglite` is always present: a fresh in-memory embedded Postgres (pgvector available). `postgres`
 * is present only when `TEST_DATABASE_URL` is set: a uniquely named database created on that
 * server for this suite alone.
 */
export function testDatabaseTargets(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ name: 'pglite', create: createPgliteTestDatabase }];
  const serverUrl = env['TEST_DATABASE_URL']?.trim();
  if (serverUrl) targets.push({ name: 'postgres', create: () => createPostgresTestDatabase(serverUrl) });
  return targets;
}

export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const embedded = await EmbeddedPostgres.start({ extensions: 'vector' });
  return { url: embedded.url, pglite: embedded.pglite, drop: () => embedded.stop() };
}

/** Creates a fresh database on the server of `serverUrl` (any database on it that we may connect to). */
export async function createPostgresTestDatabase(serverUrl: string): Promise<TestDatabase> {
  let base: URL;
  try {
    base = new URL(serverUrl);
  } catch (error) {
    throw new PersistenceError('PERSISTENCE_URL_INVALID', 'TEST_DATABASE_URL is not a valid URL', { cause: error });
  }
  // Lower case, digits and underscores only: safe as an unquoted identifier and unique across
  // parallel Jest workers and machines sharing one server.
  const name = `${testDatabasePrefix}${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // template0 because CREATE DATABASE from template1 fails while anyone else is connected to it.
  await withAdminClient(base, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);

  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => (dropping ??= withAdminClient(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdminClient(serverUrl: URL, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new PersistenceError(
      'PERSISTENCE_TEST_DATABASE_FAILED',
      `Test database statement failed on ${redactUrl(serverUrl.toString())}: ${sql.split(' ').slice(0, 3).join(' ')} ...`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
