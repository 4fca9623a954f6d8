import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The task ledger: one row per task (its current state and lease), the append-only history that
 * explains every transition, its artifacts (lake references) and its trace spans. The ledger is
 * the truth; a message on `agent-tasks` is only a wake-up.
 */
export const taskLedgerSchemaPostgres: readonly string[] = [
  `CREATE TABLE agent_tasks (
    task_seq BIGSERIAL NOT NULL UNIQUE,
    task_id VARCHAR(64) PRIMARY KEY,
    kind VARCHAR(64) NOT NULL,
    client_id VARCHAR(64) NOT NULL,
    parameters TEXT NOT NULL,
    requested_by VARCHAR(200) NOT NULL,
    lane VARCHAR(8) NOT NULL,
    policy TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    releases INTEGER NOT NULL DEFAULT 0,
    dispatches INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    timeout_ms INTEGER NOT NULL,
    lease_owner VARCHAR(200) NULL,
    lease_expires_at TIMESTAMPTZ NULL,
    heartbeat_at TIMESTAMPTZ NULL,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    blockers TEXT NOT NULL DEFAULT '[]',
    trace_id CHAR(32) NOT NULL,
    checkpoint TEXT NULL,
    result TEXT NULL,
    error_code VARCHAR(64) NULL,
    error_detail VARCHAR(2000) NULL,
    replay_of VARCHAR(64) NULL REFERENCES agent_tasks (task_id),
    idempotency_key VARCHAR(200) NULL,
    request_sha256 CHAR(64) NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ NULL,
    finished_at TIMESTAMPTZ NULL,
    CONSTRAINT uq_agent_tasks_idempotency UNIQUE (requested_by, idempotency_key)
  )`,
  `CREATE INDEX ix_agent_tasks_client ON agent_tasks (client_id, task_seq)`,
  `CREATE INDEX ix_agent_tasks_running ON agent_tasks (status, kind, client_id, lease_expires_at)`,
  `CREATE TABLE agent_task_events (
    event_seq BIGSERIAL PRIMARY KEY,
    task_id VARCHAR(64) NOT NULL REFERENCES agent_tasks (task_id),
    type VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempt INTEGER NOT NULL,
    actor VARCHAR(200) NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_agent_task_events_task ON agent_task_events (task_id, event_seq)`,
  // History is append-only: correcting it means appending, never rewriting.
  `CREATE FUNCTION agent_task_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION 'agent_task_events is append-only'; END $$`,
  `CREATE TRIGGER tr_agent_task_events_append_only BEFORE UPDATE OR DELETE ON agent_task_events
   FOR EACH ROW EXECUTE FUNCTION agent_task_events_append_only()`,
  `CREATE TABLE agent_task_artifacts (
    task_id VARCHAR(64) NOT NULL REFERENCES agent_tasks (task_id),
    name VARCHAR(200) NOT NULL,
    attempt INTEGER NOT NULL,
    sha256 CHAR(64) NOT NULL,
    bytes BIGINT NOT NULL,
    content_type VARCHAR(200) NOT NULL,
    lake_key VARCHAR(400) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, name)
  )`,
  `CREATE TABLE agent_task_spans (
    task_id VARCHAR(64) NOT NULL REFERENCES agent_tasks (task_id),
    span_id CHAR(16) NOT NULL,
    parent_span_id CHAR(16) NULL,
    attempt INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    status VARCHAR(8) NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (task_id, span_id)
  )`,
];

export class TaskLedgerSchema1735000000000 implements MigrationInterface {
  name = 'TaskLedgerSchema1735000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of taskLedgerSchemaPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['agent_task_spans', 'agent_task_artifacts', 'agent_task_events', 'agent_tasks']) await runner.query(`DROP TABLE ${table}`);
    await runner.query('DROP FUNCTION agent_task_events_append_only()');
  }
}

/** PostgreSQL only for now: the ledger's lease and concurrency queries use PostgreSQL locking. */
export const taskLedgerMigrations = { postgres: [TaskLedgerSchema1735000000000] };
