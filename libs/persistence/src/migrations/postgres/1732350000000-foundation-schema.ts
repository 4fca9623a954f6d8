import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation tables on PostgreSQL / PGlite: clients, contract periods, contract guarantees
 * and the embedded claims source (production reads claims from SQL Server, read-only).
 * Money is NUMERIC, never float; booleans are real booleans.
 */
export const foundationSchemaPostgres: readonly string[] = [
  `CREATE TABLE clients (
    client_id VARCHAR(32) PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    segment VARCHAR(20) NOT NULL,
    member_count INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE contract_periods (
    period_id VARCHAR(64) PRIMARY KEY,
    client_id VARCHAR(32) NOT NULL REFERENCES clients(client_id),
    pbm_name VARCHAR(100) NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    CHECK (end_date >= start_date)
  )`,
  `CREATE TABLE contract_guarantees (
    guarantee_id VARCHAR(64) NOT NULL,
    version INTEGER NOT NULL,
    client_id VARCHAR(32) NOT NULL REFERENCES clients(client_id),
    period_id VARCHAR(64) NOT NULL REFERENCES contract_periods(period_id),
    metric VARCHAR(32) NOT NULL,
    channel VARCHAR(16) NULL,
    drug_type VARCHAR(8) NULL,
    guaranteed_value NUMERIC(14,6) NOT NULL,
    method VARCHAR(16) NOT NULL,
    exclusions VARCHAR(200) NOT NULL,
    evidence_source VARCHAR(32) NOT NULL,
    evidence_object_id VARCHAR(128) NOT NULL,
    evidence_sha256 CHAR(64) NULL,
    evidence_locator VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (guarantee_id, version)
  )`,
  `CREATE INDEX ix_contract_guarantees_client_period ON contract_guarantees (client_id, period_id)`,
  `CREATE TABLE claims (
    claim_id VARCHAR(40) PRIMARY KEY,
    client_id VARCHAR(32) NOT NULL,
    member_id VARCHAR(24) NOT NULL,
    pharmacy_npi CHAR(10) NOT NULL,
    fill_date DATE NOT NULL,
    ndc CHAR(11) NOT NULL,
    drug_name VARCHAR(120) NOT NULL,
    drug_type VARCHAR(8) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    days_supply INTEGER NOT NULL,
    quantity NUMERIC(12,3) NOT NULL,
    awp NUMERIC(14,2) NOT NULL,
    ingredient_cost_paid NUMERIC(14,2) NOT NULL,
    dispensing_fee_paid NUMERIC(10,2) NOT NULL,
    usual_and_customary NUMERIC(14,2) NOT NULL,
    is_compound BOOLEAN NOT NULL,
    is_340b BOOLEAN NOT NULL,
    is_reversal BOOLEAN NOT NULL,
    reverses_claim_id VARCHAR(40) NULL,
    is_uc_priced BOOLEAN NOT NULL
  )`,
  `CREATE INDEX ix_claims_client_fill_date ON claims (client_id, fill_date)`,
  `CREATE TABLE seed_runs (
    seed_id VARCHAR(64) PRIMARY KEY,
    generator_version VARCHAR(32) NOT NULL,
    seed BIGINT NOT NULL,
    claim_count INTEGER NOT NULL,
    content_sha256 CHAR(64) NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
];

export class FoundationSchema1732350000000 implements MigrationInterface {
  name = 'FoundationSchema1732350000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of foundationSchemaPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['seed_runs', 'claims', 'contract_guarantees', 'contract_periods', 'clients']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
