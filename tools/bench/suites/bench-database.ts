import { randomBytes } from 'node:crypto';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { Client } from 'pg';

/** The server benchmarks create their databases on; never a database they keep. */
export const benchAdminUrl = (env: NodeJS.ProcessEnv = process.env) => env['BENCH_DATABASE_URL']?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
}

/** A fresh, migrated database named `leaf_bench_<pid>_<random>_<label>`, so leftovers are recognisable. */
export async function createBenchDatabase(adminUrl: string, label: string): Promise<BenchDatabase> {
  const name = `leaf_bench_${process.pid}_${randomBytes(3).toString('hex')}_${label}`;
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ds = createDataSource({ kind: 'postgres', url: url.toString() }, { migrations: postgresMigrations });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  return { name, url: url.toString() };
}

export async function dropBenchDatabases(adminUrl: string, databases: readonly BenchDatabase[]): Promise<void> {
  await admin(adminUrl, async (client) => {
    for (const db of databases) await client.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  });
}

/** Empties the seeded tables (new files, no dead tuples) and flushes dirty pages, so each round starts alike. */
export async function resetSeedTables(adminUrl: string, db: BenchDatabase): Promise<void> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('TRUNCATE seed_runs, claims, contract_guarantees, contract_periods, clients');
  } finally {
    await client.end().catch(() => undefined);
  }
  await admin(adminUrl, (c) => c.query('CHECKPOINT'));
}
