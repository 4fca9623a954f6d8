import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A term may keep the claim dollars a per-claim finding recovers in its own measurement (where
 * the contract says the guarantee is measured on every claim as paid); NULL, the default, deducts
 * them before the shortfall. Like `offset_group`, a column claims-runtime owns on the shared terms
 * table; contract-packets carries it from one version of a term to the next.
 */
export const findingOverlapSchema: readonly string[] = [
  `ALTER TABLE contract_guarantees ADD COLUMN finding_overlap VARCHAR(8) NULL`,
  `ALTER TABLE contract_guarantees ADD CONSTRAINT ck_contract_guarantees_finding_overlap CHECK (finding_overlap IN ('deduct', 'keep'))`,
];

export class ContractGuaranteeFindingOverlap1733000000011 implements MigrationInterface {
  name = 'ContractGuaranteeFindingOverlap1733000000011';
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of findingOverlapSchema) await runner.query(statement);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE contract_guarantees DROP COLUMN finding_overlap');
  }
}
