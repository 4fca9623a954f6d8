import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation tables on SQL Server / Azure SQL, column for column the PostgreSQL schema
 * (`foundationSchemaPostgres`); a spec compares the two so neither drifts alone.
 *
 * Mapping: NUMERIC -> DECIMAL(p,s), BOOLEAN -> BIT, TIMESTAMPTZ -> DATETIMEOFFSET defaulting to
 * SYSDATETIMEOFFSET(), INTEGER -> INT. Free text a person typed (names, locators) is NVARCHAR;
 * identifiers and codes stay VARCHAR/CHAR, which keeps indexes on them half the size.
 * Constraints are named so a later migration can drop them by name (SQL Server would otherwise
 * generate random names per database).
 */
export const foundationSchemaMssql: readonly string[] = [
  `CREATE TABLE clients (
    client_id VARCHAR(32) NOT NULL,
    name NVARCHAR(200) NOT NULL,
    segment VARCHAR(20) NOT NULL,
    member_count INT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL DEFAULT SYSDATETIMEOFFSET(),
    CONSTRAINT pk_clients PRIMARY KEY (client_id)
  )`,
  `CREATE TABLE contract_periods (
    period_id VARCHAR(64) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    pbm_name NVARCHAR(100) NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    CONSTRAINT pk_contract_periods PRIMARY KEY (period_id),
    CONSTRAINT fk_contract_periods_client FOREIGN KEY (client_id) REFERENCES clients (client_id),
    CONSTRAINT ck_contract_periods_dates CHECK (end_date >= start_date)
  )`,
  `CREATE TABLE contract_guarantees (
    guarantee_id VARCHAR(64) NOT NULL,
    version INT NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    period_id VARCHAR(64) NOT NULL,
    metric VARCHAR(32) NOT NULL,
    channel VARCHAR(16) NULL,
    drug_type VARCHAR(8) NULL,
    guaranteed_value DECIMAL(14,6) NOT NULL,
    method VARCHAR(16) NOT NULL,
    exclusions VARCHAR(200) NOT NULL,
    evidence_source VARCHAR(32) NOT NULL,
    evidence_object_id NVARCHAR(128) NOT NULL,
    evidence_sha256 CHAR(64) NULL,
    evidence_locator NVARCHAR(200) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL DEFAULT SYSDATETIMEOFFSET(),
    CONSTRAINT pk_contract_guarantees PRIMARY KEY (guarantee_id, version),
    CONSTRAINT fk_contract_guarantees_client FOREIGN KEY (client_id) REFERENCES clients (client_id),
    CONSTRAINT fk_contract_guarantees_period FOREIGN KEY (period_id) REFERENCES contract_periods (period_id)
  )`,
  `CREATE INDEX ix_contract_guarantees_client_period ON contract_guarantees (client_id, period_id)`,
  `CREATE TABLE claims (
    claim_id VARCHAR(40) NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    member_id VARCHAR(24) NOT NULL,
    pharmacy_npi CHAR(10) NOT NULL,
    fill_date DATE NOT NULL,
    ndc CHAR(11) NOT NULL,
    drug_name NVARCHAR(120) NOT NULL,
    drug_type VARCHAR(8) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    days_supply INT NOT NULL,
    quantity DECIMAL(12,3) NOT NULL,
    awp DECIMAL(14,2) NOT NULL,
    ingredient_cost_paid DECIMAL(14,2) NOT NULL,
    dispensing_fee_paid DECIMAL(10,2) NOT NULL,
    usual_and_customary DECIMAL(14,2) NOT NULL,
    is_compound BIT NOT NULL,
    is_340b BIT NOT NULL,
    is_reversal BIT NOT NULL,
    reverses_claim_id VARCHAR(40) NULL,
    is_uc_priced BIT NOT NULL,
    CONSTRAINT pk_claims PRIMARY KEY (claim_id)
  )`,
  `CREATE INDEX ix_claims_client_fill_date ON claims (client_id, fill_date)`,
  `CREATE TABLE seed_runs (
    seed_id VARCHAR(64) NOT NULL,
    generator_version VARCHAR(32) NOT NULL,
    seed BIGINT NOT NULL,
    claim_count INT NOT NULL,
    content_sha256 CHAR(64) NOT NULL,
    completed_at DATETIMEOFFSET NOT NULL DEFAULT SYSDATETIMEOFFSET(),
    CONSTRAINT pk_seed_runs PRIMARY KEY (seed_id)
  )`,
];

/** Tables in creation order; `down` drops them in reverse so foreign keys never block. */
const foundationTables = ['clients', 'contract_periods', 'contract_guarantees', 'claims', 'seed_runs'] as const;

export class FoundationSchemaMssql1732350000000 implements MigrationInterface {
  // The same migration name as the PostgreSQL class: one logical migration, two dialects.
  name = 'FoundationSchema1732350000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of foundationSchemaMssql) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...foundationTables].reverse()) await runner.query(`DROP TABLE ${table}`);
  }
}
