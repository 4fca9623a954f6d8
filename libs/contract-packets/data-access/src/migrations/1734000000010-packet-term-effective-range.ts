import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dates a packet states a term is in force (an amendment's Term, a row's Effective cell),
 * kept with the extracted term until promotion writes them onto the guarantee version.
 */
export class PacketTermEffectiveRange1734000000010 implements MigrationInterface {
  name = 'PacketTermEffectiveRange1734000000010';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contract_packet_terms ADD COLUMN effective_from DATE NULL`);
    await runner.query(`ALTER TABLE contract_packet_terms ADD COLUMN effective_to DATE NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE contract_packet_terms DROP COLUMN effective_to`);
    await runner.query(`ALTER TABLE contract_packet_terms DROP COLUMN effective_from`);
  }
}
