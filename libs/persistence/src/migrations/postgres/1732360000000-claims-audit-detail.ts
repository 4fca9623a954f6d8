import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PBM audit detail of the embedded claims stand-in (issue 19): how each claim was priced, the
 * codes brand/generic is re-derived from, the GPI, the pharmacy's network status and type, the
 * adjudication date, what the pharmacy was paid beside what the client was billed, and patient
 * pay. Nullable: rows loaded before this migration, like a production source that lacks a field,
 * simply have none, and the checks that need it do not find anything on them.
 */
export const claimsAuditDetailPostgres: readonly string[] = [
  `ALTER TABLE claims
     ADD COLUMN basis_of_reimbursement VARCHAR(12) NULL,
     ADD COLUMN mony_code CHAR(1) NULL,
     ADD COLUMN daw_code SMALLINT NULL,
     ADD COLUMN gpi CHAR(14) NULL,
     ADD COLUMN pharmacy_network_status VARCHAR(16) NULL,
     ADD COLUMN pharmacy_type VARCHAR(16) NULL,
     ADD COLUMN adjudication_date DATE NULL,
     ADD COLUMN pharmacy_ingredient_cost_paid NUMERIC(14,2) NULL,
     ADD COLUMN patient_pay_amount NUMERIC(14,2) NULL`,
];

export class ClaimsAuditDetail1732360000000 implements MigrationInterface {
  name = 'ClaimsAuditDetail1732360000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of claimsAuditDetailPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const column of [
      'basis_of_reimbursement',
      'mony_code',
      'daw_code',
      'gpi',
      'pharmacy_network_status',
      'pharmacy_type',
      'adjudication_date',
      'pharmacy_ingredient_cost_paid',
      'patient_pay_amount',
    ])
      await runner.query(`ALTER TABLE claims DROP COLUMN ${column}`);
  }
}
