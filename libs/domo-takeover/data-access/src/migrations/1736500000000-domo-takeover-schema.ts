import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The takeover's operational state: exports received (bronze registry, with the Domo schema and
 * its drift), the dataset's promoted export, gate results with failing-row samples, typed silver
 * rows per declared dataset, the curated model, comparisons and their differences, and the
 * `dedicated_domo_takeover` schema standing in for the Azure SQL publication target. Money is
 * NUMERIC; JSON documents are TEXT written by the repositories; no URL or local path has a column.
 */
export const domoTakeoverSchemaPostgres: readonly string[] = [
  `CREATE TABLE domo_exports (
    export_id VARCHAR(28) PRIMARY KEY,
    dataset VARCHAR(64) NOT NULL,
    domo_dataset_id VARCHAR(100) NOT NULL,
    source VARCHAR(8) NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL,
    data_current_at TIMESTAMPTZ NULL,
    lake_key VARCHAR(300) NOT NULL,
    sha256 CHAR(64) NOT NULL,
    bytes BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    silver_rows BIGINT NOT NULL DEFAULT 0,
    domo_schema TEXT NOT NULL,
    drift TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    reason VARCHAR(2000) NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_domo_exports_dataset ON domo_exports (dataset, created_at)`,
  `CREATE TABLE domo_dataset_state (
    dataset VARCHAR(64) PRIMARY KEY,
    promoted_export_id VARCHAR(28) NOT NULL REFERENCES domo_exports(export_id),
    promoted_at TIMESTAMPTZ NOT NULL
  )`,
  `CREATE TABLE domo_gate_results (
    export_id VARCHAR(28) NOT NULL REFERENCES domo_exports(export_id),
    gate_id VARCHAR(80) NOT NULL,
    kind VARCHAR(24) NOT NULL,
    severity VARCHAR(8) NOT NULL,
    mostly DOUBLE PRECISION NOT NULL,
    checked BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    pass_rate DOUBLE PRECISION NOT NULL,
    status VARCHAR(8) NOT NULL,
    observed TEXT NULL,
    samples TEXT NOT NULL,
    PRIMARY KEY (export_id, gate_id)
  )`,
  `CREATE TABLE domo_silver_claims_extract (
    export_id VARCHAR(28) NOT NULL,
    row_no BIGINT NOT NULL,
    claim_id VARCHAR(40) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    fill_date DATE NOT NULL,
    channel VARCHAR(16) NULL,
    drug_type VARCHAR(8) NULL,
    awp NUMERIC(24,6) NOT NULL,
    ingredient_cost_paid NUMERIC(24,6) NOT NULL,
    is_reversal BIGINT NOT NULL
  )`,
  `CREATE INDEX ix_domo_silver_claims_extract_export ON domo_silver_claims_extract (export_id, row_no)`,
  `CREATE TABLE domo_silver_savings_by_client_month (
    export_id VARCHAR(28) NOT NULL,
    row_no BIGINT NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    month DATE NOT NULL,
    channel VARCHAR(16) NOT NULL,
    drug_type VARCHAR(8) NOT NULL,
    claim_count BIGINT NOT NULL,
    awp_total NUMERIC(24,6) NOT NULL,
    paid_total NUMERIC(24,6) NOT NULL,
    savings NUMERIC(24,6) NOT NULL
  )`,
  `CREATE INDEX ix_domo_silver_savings_export ON domo_silver_savings_by_client_month (export_id, row_no)`,
  `CREATE TABLE domo_curated_savings (
    model VARCHAR(64) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    month DATE NOT NULL,
    channel VARCHAR(16) NOT NULL,
    drug_type VARCHAR(8) NOT NULL,
    claim_count BIGINT NOT NULL,
    awp_total NUMERIC(16,2) NOT NULL,
    paid_total NUMERIC(16,2) NOT NULL,
    savings NUMERIC(16,2) NOT NULL,
    claim_count_gross BIGINT NOT NULL,
    awp_total_gross NUMERIC(16,2) NOT NULL,
    paid_total_gross NUMERIC(16,2) NOT NULL,
    savings_gross NUMERIC(16,2) NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model, client_id, month, channel, drug_type)
  )`,
  `CREATE TABLE domo_comparisons (
    comparison_id VARCHAR(28) PRIMARY KEY,
    dataset VARCHAR(64) NOT NULL,
    export_id VARCHAR(28) NOT NULL REFERENCES domo_exports(export_id),
    model VARCHAR(64) NOT NULL,
    summary TEXT NOT NULL,
    json_key VARCHAR(300) NULL,
    xlsx_key VARCHAR(300) NULL,
    pdf_key VARCHAR(300) NULL,
    signed_decision VARCHAR(10) NULL,
    signed_by VARCHAR(200) NULL,
    signed_at TIMESTAMPTZ NULL,
    signed_note VARCHAR(2000) NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE domo_differences (
    comparison_id VARCHAR(28) NOT NULL REFERENCES domo_comparisons(comparison_id),
    seq INTEGER NOT NULL,
    key_values TEXT NOT NULL,
    measure VARCHAR(64) NOT NULL,
    domo_value NUMERIC(24,6) NULL,
    backend_value NUMERIC(24,6) NULL,
    delta NUMERIC(24,6) NOT NULL,
    material BOOLEAN NOT NULL,
    reason VARCHAR(24) NOT NULL,
    note VARCHAR(500) NOT NULL,
    PRIMARY KEY (comparison_id, seq)
  )`,
  `CREATE INDEX ix_domo_differences_reason ON domo_differences (comparison_id, reason, seq)`,
  `CREATE SCHEMA dedicated_domo_takeover`,
  `CREATE TABLE dedicated_domo_takeover.savings_by_client_month (
    model VARCHAR(64) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    month DATE NOT NULL,
    channel VARCHAR(16) NOT NULL,
    drug_type VARCHAR(8) NOT NULL,
    claim_count BIGINT NOT NULL,
    awp_total NUMERIC(16,2) NOT NULL,
    paid_total NUMERIC(16,2) NOT NULL,
    savings NUMERIC(16,2) NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model, client_id, month, channel, drug_type)
  )`,
];

const tables = [
  'dedicated_domo_takeover.savings_by_client_month',
  'domo_differences',
  'domo_comparisons',
  'domo_curated_savings',
  'domo_silver_savings_by_client_month',
  'domo_silver_claims_extract',
  'domo_gate_results',
  'domo_dataset_state',
  'domo_exports',
];

export class DomoTakeoverSchema1736500000000 implements MigrationInterface {
  name = 'DomoTakeoverSchema1736500000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of domoTakeoverSchemaPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of tables) await runner.query(`DROP TABLE ${table}`);
    await runner.query(`DROP SCHEMA dedicated_domo_takeover`);
  }
}

/** Operational state: PostgreSQL (PGlite locally) only. */
export const domoTakeoverMigrations = { postgres: [DomoTakeoverSchema1736500000000] };
