import type { Pool } from 'pg';
import { MessagingError } from '../port/messaging.error';

export const defaultBusSchema = 'leaf_bus';

/** Lower case, digits and underscores: safe unquoted, so table names can be interpolated. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new MessagingError('MESSAGING_UNAVAILABLE', `bus schema name ${JSON.stringify(schema)} must be lower case letters, digits and underscores`);
  }
  return schema;
}

/**
 * Creates the bus tables if missing. One row per message per queue or subscription: `subscription`
 * is '' for a queue, and a topic message's copies share its sequence number, as in Service Bus.
 */
export async function ensureBusSchema(pool: Pool, schema: string = defaultBusSchema): Promise<void> {
  const s = assertSchemaName(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalogue; serialize the creators.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`leaf-bus-schema:${s}`]);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE SEQUENCE IF NOT EXISTS ${s}.sequence_numbers;
      CREATE TABLE IF NOT EXISTS ${s}.messages (
        entity text NOT NULL,
        subscription text NOT NULL,
        dead_letter boolean NOT NULL DEFAULT false,
        seq bigint NOT NULL,
        message_id text NOT NULL,
        body text NOT NULL,
        correlation_id text,
        session_id text,
        subject text,
        application_properties text NOT NULL,
        state text NOT NULL,
        delivery_count integer NOT NULL DEFAULT 0,
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        visible_at timestamptz NOT NULL DEFAULT now(),
        lock_token uuid,
        locked_until timestamptz,
        dead_letter_reason text,
        dead_letter_description text,
        PRIMARY KEY (entity, subscription, seq)
      );
      CREATE INDEX IF NOT EXISTS messages_ready ON ${s}.messages (entity, subscription, dead_letter, seq) WHERE state <> 'deferred';
      CREATE TABLE IF NOT EXISTS ${s}.duplicates (
        entity text NOT NULL,
        message_id text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (entity, message_id)
      );
      CREATE TABLE IF NOT EXISTS ${s}.session_locks (
        entity text NOT NULL,
        subscription text NOT NULL,
        session_id text NOT NULL,
        lock_token uuid NOT NULL,
        locked_until timestamptz NOT NULL,
        PRIMARY KEY (entity, subscription, session_id)
      );
    `);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MessagingError('MESSAGING_UNAVAILABLE', `could not create the bus schema ${s}`, { cause: error });
  } finally {
    client.release();
  }
}
