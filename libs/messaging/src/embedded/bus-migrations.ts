/**
 * The embedded bus's schema, as ordered migrations the messaging library owns. `ensureBusSchema`
 * applies the ones a schema has not seen, in one transaction, and records each in
 * `<schema>.bus_migrations`. Never edit a published migration: add the next one.
 */
export interface BusMigration {
  readonly version: number;
  readonly name: string;
  /** SQL for the schema `s` (a checked, unquoted identifier). */
  readonly up: (s: string) => string;
}

export const busMigrations: readonly BusMigration[] = [
  {
    version: 1,
    // IF NOT EXISTS throughout: schemas created before migrations were recorded already have these.
    name: 'messages, duplicates and session locks',
    up: (s) => `
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
      );`,
  },
  {
    version: 2,
    // A Service Bus body is bytes: any client may send something that is not UTF-8 or not JSON,
    // and the consumer must see exactly that to dead-letter it with the right reason.
    name: 'bodies are bytes',
    up: (s) => `ALTER TABLE ${s}.messages ALTER COLUMN body TYPE bytea USING convert_to(body, 'UTF8');`,
  },
];
