import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs have owners: the instance executing a run and the lease it renews. Open runs are found
 * through a partial index (there are few). Runs from before this migration have no lease: the
 * repository treats their creation time plus a grace as one (see `legacyLeaseGrace`).
 */
export const runLeasesSchema: readonly string[] = [
  `ALTER TABLE reconciliation_runs ADD COLUMN owner_id VARCHAR(64) NULL`,
  `ALTER TABLE reconciliation_runs ADD COLUMN lease_expires_at TIMESTAMPTZ NULL`,
  `CREATE INDEX ix_reconciliation_runs_open ON reconciliation_runs (status) WHERE status IN ('queued', 'running')`,
];

export class ReconciliationRunLeases1733000000002 implements MigrationInterface {
  name = 'ReconciliationRunLeases1733000000002';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of runLeasesSchema) await runner.query(statement);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX ix_reconciliation_runs_open');
    await runner.query('ALTER TABLE reconciliation_runs DROP COLUMN lease_expires_at');
    await runner.query('ALTER TABLE reconciliation_runs DROP COLUMN owner_id');
  }
}
