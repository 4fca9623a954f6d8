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
  {
    version: 3,
    // Time-to-live; scheduled messages wait apart until their time and then get a new sequence
    // number, appended behind what was sent meanwhile (as Service Bus does); sequence numbers
    // become per entity (sequences created on first use, see bus-sequences.ts).
    name: 'time-to-live, scheduled messages apart, per-entity sequence numbers',
    up: (s) => `
      ALTER TABLE ${s}.messages ADD COLUMN expires_at timestamptz;
      CREATE INDEX messages_expiring ON ${s}.messages (entity, subscription, expires_at) WHERE NOT dead_letter AND expires_at IS NOT NULL;
      CREATE TABLE ${s}.scheduled (
        entity text NOT NULL,
        seq bigint NOT NULL,
        message_id text NOT NULL,
        body bytea NOT NULL,
        correlation_id text,
        session_id text,
        subject text,
        application_properties text NOT NULL,
        -- Where it goes when it activates: [{"s": subscription ('' for a queue), "ttl": ms}].
        routes jsonb NOT NULL,
        enqueue_at timestamptz NOT NULL,
        PRIMARY KEY (entity, seq)
      );
      CREATE INDEX scheduled_due ON ${s}.scheduled (entity, enqueue_at);
      INSERT INTO ${s}.scheduled (entity, seq, message_id, body, correlation_id, session_id, subject, application_properties, routes, enqueue_at)
        SELECT entity, seq, min(message_id), (array_agg(body))[1], min(correlation_id), min(session_id), min(subject), min(application_properties),
               jsonb_agg(jsonb_build_object('s', subscription, 'ttl', NULL)), min(visible_at)
        FROM ${s}.messages WHERE state = 'scheduled' AND NOT dead_letter GROUP BY entity, seq;
      DELETE FROM ${s}.messages WHERE state = 'scheduled' AND NOT dead_letter;`,
  },
  {
    version: 4,
    // A claim, renewal or abandon changes no indexed column: with room left on the page the
    // update is HOT (no index entries written). The default fillfactor (100) leaves none.
    name: 'room for HOT updates of messages',
    up: (s) => `ALTER TABLE ${s}.messages SET (fillfactor = 70);`,
  },
];
