import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A succeeded run whose contract terms were promoted again afterwards is superseded: its figures
 * stand for the terms it used, and the run says which newer versions replace them.
 */
export const runSupersessionSchema: readonly string[] = [
  `ALTER TABLE reconciliation_runs ADD COLUMN superseded_at TIMESTAMPTZ NULL`,
  `ALTER TABLE reconciliation_runs ADD COLUMN superseded_by TEXT NULL`,
];

export class ReconciliationRunSupersession1733000000010 implements MigrationInterface {
  name = 'ReconciliationRunSupersession1733000000010';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of runSupersessionSchema) await runner.query(statement);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE reconciliation_runs DROP COLUMN superseded_by');
    await runner.query('ALTER TABLE reconciliation_runs DROP COLUMN superseded_at');
  }
}
