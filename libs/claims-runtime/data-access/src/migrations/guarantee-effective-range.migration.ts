import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A guarantee version may be in force for part of its contract period only (an amendment
 * "Term 2025-07-01 to 2025-12-31"): NULL bounds mean the period's own start or end. claims-runtime
 * owns these columns on the shared terms table (as it does offset_group): it reconciles each
 * version over the claims filled while it was in force. contract-packets writes them from the
 * packet when they exist, and refuses to promote a dated term where they do not.
 */
export const guaranteeEffectiveRangeSchema: readonly string[] = [
  `ALTER TABLE contract_guarantees ADD COLUMN effective_from DATE NULL`,
  `ALTER TABLE contract_guarantees ADD COLUMN effective_to DATE NULL`,
  `ALTER TABLE contract_guarantees ADD CONSTRAINT ck_contract_guarantees_effective_range CHECK (effective_from IS NULL OR effective_to IS NULL OR effective_from <= effective_to)`,
];

export class GuaranteeEffectiveRange1733000000012 implements MigrationInterface {
  name = 'GuaranteeEffectiveRange1733000000012';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of guaranteeEffectiveRangeSchema) await runner.query(statement);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE contract_guarantees DROP COLUMN effective_to');
    await runner.query('ALTER TABLE contract_guarantees DROP COLUMN effective_from');
  }
}
