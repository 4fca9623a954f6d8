import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { migrationsTableName } from '../data-source/data-source-parts';
import { isPersistenceError } from '../errors/persistence.error';
import { testDatabaseTargets, type TestDatabase } from '../testing/test-database-targets';
import { runMigrations } from './run-migrations';

const foundationMigrations = ['FoundationSchema1732350000000', 'ClaimsAuditDetail1732360000000'];
const foundationTables = ['claims', 'clients', 'contract_guarantees', 'contract_periods', 'seed_runs'];

async function publicTables(ds: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe.each(testDatabaseTargets())('runMigrations on $name', ({ create }) => {
  let db: TestDatabase;
  const opened: DataSource[] = [];
  const open = async (): Promise<DataSource> => {
    const ds = await createDataSource({ kind: 'postgres', url: db.url, poolSize: 3 }).initialize();
    opened.push(ds);
    return ds;
  };

  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => {
    await Promise.all(opened.map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
    await db?.drop();
  });

  it('creates the foundation tables with their columns, once, even when two services migrate at the same time', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const [first, second] = await Promise.all([runMigrations(a), runMigrations(b)]);

    expect([...first, ...second]).toEqual(foundationMigrations);
    expect(await publicTables(a)).toEqual([...foundationTables, migrationsTableName].sort());
    const claimColumns: Array<{ column_name: string; data_type: string }> = await a.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'claims' ORDER BY ordinal_position`,
    );
    expect(claimColumns.slice(0, 3)).toEqual([
      { column_name: 'claim_id', data_type: 'character varying' },
      { column_name: 'client_id', data_type: 'character varying' },
      { column_name: 'member_id', data_type: 'character varying' },
    ]);
    expect(claimColumns.find((c) => c.column_name === 'awp')?.data_type).toBe('numeric');
    expect(claimColumns.find((c) => c.column_name === 'is_340b')?.data_type).toBe('boolean');
    // The PBM audit detail, added after the foundation: nullable, so older rows stay valid.
    expect(claimColumns.find((c) => c.column_name === 'pharmacy_ingredient_cost_paid')?.data_type).toBe('numeric');
    expect(claimColumns.find((c) => c.column_name === 'adjudication_date')?.data_type).toBe('date');
  });

  it('is a no-op the second time', async () => {
    const ds = await open();
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('c1', 'Acme', 'employer', 10)`);
    expect(await runMigrations(ds)).toEqual([]);
    expect(await ds.query(`SELECT name FROM clients`)).toEqual([{ name: 'Acme' }]);
    const recorded: Array<{ name: string }> = await ds.query(`SELECT name FROM ${migrationsTableName}`);
    expect(recorded.map((r) => r.name).sort()).toEqual([...foundationMigrations].sort());
  });

  it('reverts with down and applies again', async () => {
    const ds = await open();
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await publicTables(ds)).toEqual([...foundationTables, migrationsTableName].sort());
    await ds.undoLastMigration({ transaction: 'each' });
    expect(await publicTables(ds)).toEqual([migrationsTableName]);
    expect(await runMigrations(ds)).toEqual(foundationMigrations);
    expect(await publicTables(ds)).toEqual([...foundationTables, migrationsTableName].sort());
  });

  it('rolls a failing migration back completely and reports it with a typed error', async () => {
    class Broken1900000000000 {
      name = 'Broken1900000000000';
      async up(runner: { query(sql: string): Promise<unknown> }) {
        await runner.query('CREATE TABLE half_done (id int)');
        await runner.query('SELECT * FROM no_such_table');
      }
      async down() {
        /* never applied */
      }
    }
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [Broken1900000000000] }).initialize();
    opened.push(ds);
    // TypeORM prints the failure to the console itself; keep the test output clean.
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = await runMigrations(ds)
      .catch((e: unknown) => e)
      .finally(() => log.mockRestore());
    expect(isPersistenceError(error, 'PERSISTENCE_MIGRATION_FAILED')).toBe(true);
    expect(await publicTables(ds)).not.toContain('half_done');
  });

  it('refuses an uninitialised data source', async () => {
    const error = await runMigrations(createDataSource({ kind: 'postgres', url: db.url })).catch((e: unknown) => e);
    expect(isPersistenceError(error, 'PERSISTENCE_MIGRATION_FAILED')).toBe(true);
  });
});
