import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (messages written in the same transaction as the state they announce) and the
 * inbox (message ids a consumer has already applied). Operational state: PostgreSQL only.
 */
export const outboxSchemaPostgres: readonly string[] = [
  `CREATE TABLE outbox_messages (
    outbox_id BIGSERIAL PRIMARY KEY,
    entity VARCHAR(200) NOT NULL,
    message_id VARCHAR(128) NOT NULL,
    body TEXT NOT NULL,
    correlation_id VARCHAR(128) NULL,
    session_id VARCHAR(128) NULL,
    subject VARCHAR(200) NULL,
    application_properties TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at TIMESTAMPTZ NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR(1000) NULL,
    CONSTRAINT uq_outbox_message_id UNIQUE (message_id)
  )`,
  `CREATE INDEX ix_outbox_unsent ON outbox_messages (outbox_id) WHERE sent_at IS NULL`,
  `CREATE TABLE inbox_messages (
    consumer VARCHAR(200) NOT NULL,
    message_id VARCHAR(128) NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
  )`,
];

const dropAll = async (runner: QueryRunner) => {
  for (const table of ['inbox_messages', 'outbox_messages']) await runner.query(`DROP TABLE ${table}`);
};

export class OutboxSchema1732400000000 implements MigrationInterface {
  name = 'OutboxSchema1732400000000';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of outboxSchemaPostgres) await runner.query(statement);
  }
  down = dropAll;
}

/**
 * A row the bus can never take (over the namespace's size, not its contract, no session id where
 * one is required) is dead-lettered in the outbox itself: set aside with its reason, so the rows
 * behind it still go out.
 */
export class OutboxDeadLetter1733100000000 implements MigrationInterface {
  name = 'OutboxDeadLetter1733100000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE outbox_messages ADD COLUMN dead_lettered_at TIMESTAMPTZ NULL, ADD COLUMN dead_letter_reason VARCHAR(1000) NULL`);
    await runner.query(`DROP INDEX ix_outbox_unsent`);
    await runner.query(`CREATE INDEX ix_outbox_unsent ON outbox_messages (outbox_id) WHERE sent_at IS NULL AND dead_lettered_at IS NULL`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ix_outbox_unsent`);
    await runner.query(`CREATE INDEX ix_outbox_unsent ON outbox_messages (outbox_id) WHERE sent_at IS NULL`);
    await runner.query(`ALTER TABLE outbox_messages DROP COLUMN dead_letter_reason, DROP COLUMN dead_lettered_at`);
  }
}

/** Add to a service's data source next to the foundation migrations. */
export const outboxMigrations = { postgres: [OutboxSchema1732400000000, OutboxDeadLetter1733100000000] };
