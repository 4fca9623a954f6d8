import { Parser } from 'node-sql-parser';
import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { domoTakeoverMigrations } from '../migrations/1736500000000-domo-takeover-schema';
import { refreshCuratedSavings } from '../curated/curated-savings';
import { publicationBulkTable, publicationTsql } from './azure-sql-curated.publication';
import { publicationColumns } from './curated-publication.port';
import { PostgresCuratedPublication } from './postgres-curated.publication';

describe('curated publication', () => {
  it('writes T-SQL that SQL Server grammar accepts, against the declared table', () => {
    const parser = new Parser();
    const create = parser.astify(publicationTsql.createTable, { database: 'transactsql' });
    expect(JSON.stringify(create)).toContain('dedicated_domo_takeover');
    const del = parser.astify(publicationTsql.deleteModel, { database: 'transactsql' }) as unknown as { type: string; table: { db: string; table: string }[] };
    expect(del).toMatchObject({ type: 'delete', table: [{ db: 'dedicated_domo_takeover', table: 'savings_by_client_month' }] });
    expect(() => parser.astify(publicationTsql.deleteModel.replace('WHERE', 'WERE'), { database: 'transactsql' })).toThrow();
  });

  it('builds the bulk table with every published column in order', () => {
    const table = publicationBulkTable(
      'm@v1',
      [
        {
          client_id: 'acme',
          month: '2025-01-01',
          channel: 'mail',
          drug_type: 'generic',
          claim_count: '3',
          awp_total: '10.00',
          paid_total: '7.00',
          savings: '3.00',
        },
      ],
      new Date(0),
    );
    expect(table.path).toBe('[dedicated_domo_takeover].[savings_by_client_month]');
    expect(table.columns.map((c) => c.name)).toEqual(publicationColumns.map(([name]) => name));
    expect(table.rows).toHaveLength(1);
  });

  describe('embedded stand-in on PGlite', () => {
    let ds: DataSource;
    beforeAll(async () => {
      ds = await createDataSource({ kind: 'pglite' }, { migrations: [...postgresMigrations, ...domoTakeoverMigrations.postgres] }).initialize();
      await runMigrations(ds);
      await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('acme', 'Acme', 'employer', 1)`);
      await ds.query(
        `INSERT INTO claims (claim_id, client_id, member_id, pharmacy_npi, fill_date, ndc, drug_name, drug_type, channel, days_supply, quantity, awp, ingredient_cost_paid, dispensing_fee_paid, usual_and_customary, is_compound, is_340b, is_reversal, reverses_claim_id, is_uc_priced)
         VALUES ('c1', 'acme', 'm', '1234567890', '2025-01-05', '00000000001', 'D', 'generic', 'mail', 30, 1.000, 100.00, 70.00, 1.00, 120.00, false, false, false, NULL, false),
                ('c2', 'acme', 'm', '1234567890', '2025-01-06', '00000000001', 'D', 'generic', 'mail', 30, 1.000, -100.00, -70.00, -1.00, -120.00, false, false, true, 'c1', false),
                ('c3', 'acme', 'm', '1234567890', '2025-02-06', '00000000001', 'D', 'brand', 'mail', 30, 1.000, 50.00, 45.00, 1.00, 60.00, false, false, false, NULL, false)`,
      );
    });
    afterAll(() => ds?.destroy());

    it('computes the curated model (reversals netted, gross beside it) and replaces the published rows', async () => {
      expect(await refreshCuratedSavings(ds)).toBe(2);
      const curated = await ds.query(
        `SELECT month::text AS month, drug_type, claim_count::int AS n, savings::text AS savings, claim_count_gross::int AS gross_n, savings_gross::text AS gross FROM domo_curated_savings ORDER BY month`,
      );
      expect(curated).toEqual([
        { month: '2025-01-01', drug_type: 'generic', n: 0, savings: '0.00', gross_n: 1, gross: '30.00' },
        { month: '2025-02-01', drug_type: 'brand', n: 1, savings: '5.00', gross_n: 1, gross: '5.00' },
      ]);
      const publication = new PostgresCuratedPublication(ds);
      expect(await publication.publish('savings_by_client_month@v1')).toEqual({ rows: 2 });
      expect(await publication.publish('savings_by_client_month@v1')).toEqual({ rows: 2 });
    });
  });
});
