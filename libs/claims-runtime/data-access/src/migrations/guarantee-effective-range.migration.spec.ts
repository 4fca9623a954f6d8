import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape } from '@leaf/persistence/testing';
import { claimsRuntimeMigrations } from './claims-runtime.migrations';

describe('effective ranges on contract terms (migration 1733000000012)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await createDataSource(
      { kind: 'pglite' },
      {
        migrations: [...postgresMigrations, ...claimsRuntimeMigrations.postgres],
      },
    ).initialize();
    await runMigrations(ds);
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('client-a', 'A', 'employer', 1)`);
    await ds.query(
      `INSERT INTO contract_periods (period_id, client_id, pbm_name, start_date, end_date) VALUES ('p', 'client-a', 'PBM', '2025-01-01', '2025-12-31')`,
    );
  });
  afterAll(() => ds?.destroy());

  const insert = (id: string, from: string | null, to: string | null) =>
    ds.query(
      `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
         evidence_source, evidence_object_id, evidence_locator, effective_from, effective_to)
       VALUES ($1, 1, 'client-a', 'p', 'awp_discount', 'retail30', 'brand', 0.18, 'aggregate', '', 'synthetic-seed', 'o', 'l', $2, $3)`,
      [id, from, to],
    );

  it('takes an open or closed range of dates, never one that ends before it starts', async () => {
    await insert('g-all', null, null);
    await insert('g-from-july', '2025-07-01', null);
    await insert('g-h2', '2025-07-01', '2025-12-31');
    await expect(insert('g-bad', '2025-07-01', '2025-06-30')).rejects.toThrow(/ck_contract_guarantees_effective_range/);
  });

  it('reverts cleanly', async () => {
    await ds.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(ds, ['contract_guarantees']);
    expect(Object.keys(shape['contract_guarantees']?.columns ?? {})).not.toContain('effective_from');
  });
});
