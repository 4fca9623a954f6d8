import type { Pool } from 'pg';
import { MessagingError } from '../port/messaging.error';
import { busMigrations, type BusMigration } from './bus-migrations';

export const defaultBusSchema = 'leaf_bus';

/** Lower case, digits and underscores: safe unquoted, so table names can be interpolated. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MessagingError('MESSAGING_UNAVAILABLE', `bus schema name ${JSON.stringify(schema)} must be lower case letters, digits and underscores`);
  }
  return schema;
}

/**
 * Brings the bus schema up to date: applies the migrations it has not recorded (see
 * bus-migrations.ts), in one transaction, so a crash leaves it at the previous version. One row
 * per message per queue or subscription: `subscription` is '' for a queue, and a topic message's
 * copies share its sequence number, as in Service Bus. Returns the versions it applied.
 */
export async function ensureBusSchema(pool: Pool, schema: string = defaultBusSchema, migrations: readonly BusMigration[] = busMigrations): Promise<number[]> {
  const s = assertSchemaName(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Concurrent creators (replicas starting together) would collide in the catalogue: one at a time.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`leaf-bus-schema:${s}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.bus_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.bus_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
    for (const migration of pending) {
      await client.query(migration.up(s));
      await client.query(`INSERT INTO ${s}.bus_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    return pending.map((m) => m.version);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MessagingError('MESSAGING_UNAVAILABLE', `could not migrate the bus schema ${s}`, { cause: error });
  } finally {
    client.release();
  }
}
