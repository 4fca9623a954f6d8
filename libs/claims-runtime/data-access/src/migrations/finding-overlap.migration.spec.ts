import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape } from '@leaf/persistence/testing';
import { claimsRuntimeMigrations } from './claims-runtime.migrations';

describe('finding overlap on contract terms (migration 1733000000011)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await createDataSource(
      { kind: 'pglite' },
      {
        migrations: [...postgresMigrations, ...claimsRuntimeMigrations.postgres.filter((m) => m.name <= 'ContractGuaranteeFindingOverlap1733000000011')],
      },
    ).initialize();
    await runMigrations(ds);
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('client-a', 'A', 'employer', 1)`);
    await ds.query(
      `INSERT INTO contract_periods (period_id, client_id, pbm_name, start_date, end_date) VALUES ('p', 'client-a', 'PBM', '2025-01-01', '2025-12-31')`,
    );
  });
  afterAll(() => ds?.destroy());

  const insert = (id: string, overlap: string | null) =>
    ds.query(
      `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
         evidence_source, evidence_object_id, evidence_locator, finding_overlap)
       VALUES ($1, 1, 'client-a', 'p', 'awp_discount', 'retail30', 'brand', 0.18, 'aggregate', '', 'synthetic-seed', 'o', 'l', $2)`,
      [id, overlap],
    );

  it('accepts deduct, keep or nothing (deduct), and nothing else', async () => {
    await insert('g-none', null);
    await insert('g-keep', 'keep');
    await insert('g-deduct', 'deduct');
    await expect(insert('g-other', 'maybe')).rejects.toThrow(/ck_contract_guarantees_finding_overlap/);
  });

  it('reverts cleanly', async () => {
    await ds.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(ds, ['contract_guarantees']);
    expect(Object.keys(shape['contract_guarantees']?.columns ?? {})).not.toContain('finding_overlap');
  });
});
