import type { MigrationInterface, QueryRunner } from 'typeorm';

/** PostgreSQL / PGlite: the reconciliation runs, their findings, and offset groups on terms. */
export const reconciliationSchemaPostgres: readonly string[] = [
  `ALTER TABLE contract_guarantees ADD COLUMN offset_group VARCHAR(32) NULL`,
  `CREATE TABLE reconciliation_runs (
    run_id VARCHAR(40) PRIMARY KEY,
    client_id VARCHAR(32) NOT NULL,
    period_id VARCHAR(64) NOT NULL,
    status VARCHAR(16) NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    stage VARCHAR(64) NOT NULL,
    requested_by VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ NULL,
    error_code VARCHAR(64) NULL,
    error_detail VARCHAR(1000) NULL,
    inputs_sha256 CHAR(64) NULL,
    summary TEXT NULL,
    buckets TEXT NULL,
    artifacts TEXT NULL
  )`,
  `CREATE INDEX ix_reconciliation_runs_client ON reconciliation_runs (client_id, created_at)`,
  `CREATE TABLE reconciliation_findings (
    run_id VARCHAR(40) NOT NULL REFERENCES reconciliation_runs(run_id),
    seq INTEGER NOT NULL,
    finding_id VARCHAR(120) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    claim_id VARCHAR(40) NULL,
    guarantee_id VARCHAR(64) NULL,
    channel VARCHAR(16) NULL,
    drug_type VARCHAR(8) NULL,
    impact NUMERIC(14,2) NOT NULL,
    detail VARCHAR(1000) NOT NULL,
    claim_count INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  )`,
  `CREATE INDEX ix_reconciliation_findings_kind ON reconciliation_findings (run_id, kind, seq)`,
];

export class ReconciliationSchema1733000000000 implements MigrationInterface {
  name = 'ReconciliationSchema1733000000000';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of reconciliationSchemaPostgres) await runner.query(statement);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE reconciliation_findings');
    await runner.query('DROP TABLE reconciliation_runs');
    await runner.query('ALTER TABLE contract_guarantees DROP COLUMN offset_group');
  }
}

/** A start may carry an Idempotency-Key: one run per client and key, however often it is retried. */
export const runIdempotencySchema: readonly string[] = [
  `ALTER TABLE reconciliation_runs ADD idempotency_key VARCHAR(200) NULL`,
  `CREATE UNIQUE INDEX ux_reconciliation_runs_idempotency ON reconciliation_runs (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
];

async function idempotencyDown(runner: QueryRunner): Promise<void> {
  await runner.query('DROP INDEX ux_reconciliation_runs_idempotency');
  await runner.query('ALTER TABLE reconciliation_runs DROP COLUMN idempotency_key');
}

export class ReconciliationIdempotency1733000000001 implements MigrationInterface {
  name = 'ReconciliationIdempotency1733000000001';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of runIdempotencySchema) await runner.query(statement);
  }
  down = idempotencyDown;
}
