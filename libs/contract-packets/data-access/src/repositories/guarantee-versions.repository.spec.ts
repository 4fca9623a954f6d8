import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { contractPacketsMigrations } from '../migrations/1734000000000-contract-packets-schema';
import { GuaranteeVersionsRepository, TermDatesError, type GuaranteeVersionRow } from './guarantee-versions.repository';

const row = (o: Partial<GuaranteeVersionRow> = {}): GuaranteeVersionRow => ({
  guaranteeId: 'acme-py2025-awp-mail-generic',
  clientId: 'acme',
  periodId: 'acme-py2025',
  metric: 'awp_discount',
  channel: 'mail',
  drugType: 'generic',
  guaranteedValue: '0.86',
  method: 'aggregate',
  exclusions: 'uc_priced',
  evidenceObjectId: 'amendment-1',
  evidenceSha256: 'a'.repeat(64),
  evidenceLocator: 'p2',
  ...o,
});

describe('guarantee versions: dated terms', () => {
  let ds: DataSource;
  const versions = () =>
    ds.query(
      `SELECT version, TO_CHAR(effective_from, 'YYYY-MM-DD') AS "from", TO_CHAR(effective_to, 'YYYY-MM-DD') AS "to" FROM contract_guarantees ORDER BY version`,
    );

  beforeAll(async () => {
    ds = await createDataSource({ kind: 'pglite' }, { migrations: [...postgresMigrations, ...contractPacketsMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('acme', 'Acme', 'employer', 1)`);
    await ds.query(
      `INSERT INTO contract_periods (period_id, client_id, pbm_name, start_date, end_date) VALUES ('acme-py2025', 'acme', 'PBM', '2025-01-01', '2025-12-31')`,
    );
  });
  afterAll(() => ds?.destroy());

  it('refuses to promote a term dated from July where the dates cannot be recorded, but needs no dates for the whole period', async () => {
    const repo = new GuaranteeVersionsRepository(ds);
    await ds.transaction((m) => repo.append(m, row({ effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31' }), 1));
    await expect(ds.transaction((m) => repo.append(m, row({ effectiveFrom: '2025-07-01' }), 2))).rejects.toBeInstanceOf(TermDatesError);
    expect(await ds.query(`SELECT version FROM contract_guarantees`)).toEqual([{ version: 1 }]);
  });

  it("records the dates a term is in force (bounds at the period's own edges stay open) and refuses dates outside the period", async () => {
    // claims-runtime's migration 1733000000012 adds the columns on the shared table.
    await ds.query(`ALTER TABLE contract_guarantees ADD COLUMN effective_from DATE NULL`);
    await ds.query(`ALTER TABLE contract_guarantees ADD COLUMN effective_to DATE NULL`);
    const repo = new GuaranteeVersionsRepository(ds);
    await ds.transaction((m) => repo.append(m, row({ effectiveFrom: '2025-07-01', effectiveTo: '2025-12-31' }), 2));
    await expect(ds.transaction((m) => repo.append(m, row({ effectiveFrom: '2026-01-01' }), 3))).rejects.toThrow(/not within contract period acme-py2025/);
    expect(await versions()).toEqual([
      { version: 1, from: null, to: null },
      { version: 2, from: '2025-07-01', to: null },
    ]);
  });
});
