import 'reflect-metadata';
import { Parser } from 'node-sql-parser';
import { Client } from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { isPersistenceError } from '../errors/persistence.error';
import { postgresMigrations } from '../migrations/migration-sets';
import { runMigrations } from '../migrations/run-migrations';
import { testDatabaseTargets, type TestDatabase } from '../testing/test-database-targets';
import { createDataSource } from './create-data-source';
import { EmbeddedPostgresDataSource } from './embedded-postgres-data-source';

// An entity over a foundation table, with column types TypeORM maps on PostgreSQL and SQL Server.
@Entity('contract_periods')
class ContractPeriodRow {
  @PrimaryColumn({ name: 'period_id', type: 'varchar', length: 64 })
  periodId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @Column({ name: 'pbm_name', type: 'varchar', length: 100 })
  pbmName!: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;
}

describe('createDataSource for SQL Server (offline)', () => {
  const secret = 'N0t-For-Logs';
  const ds = createDataSource(
    { kind: 'mssql', server: 'sql.invalid', database: 'curated', user: 'leaf', password: secret, authentication: 'sql' },
    { entities: [ContractPeriodRow] },
  );

  beforeAll(async () => {
    // TypeORM builds entity metadata on initialize(); calling its builder directly needs no server.
    await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  });

  it('constructs without a server and is not connected', () => {
    expect(ds).toBeInstanceOf(DataSource);
    expect(ds.options.type).toBe('mssql');
    expect(ds.isInitialized).toBe(false);
  });

  it('carries no migrations: SQL Server is the read-only claims source, never migrated', () => {
    expect(ds.options.migrations).toEqual([]);
    // The PostgreSQL foundation is still the default there, so the difference is the dialect's.
    expect(createDataSource({ kind: 'postgres', url: 'postgres://leaf@db.invalid/leaf' }).options.migrations).toEqual(postgresMigrations);
  });

  it('maps SQL authentication and TLS settings onto the mssql driver options', () => {
    expect(ds.options).toMatchObject({
      host: 'sql.invalid',
      port: 1433,
      database: 'curated',
      authentication: { type: 'default', options: { userName: 'leaf', password: secret } },
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it('maps azure-default onto DefaultAzureCredential authentication, with no password anywhere', () => {
    const azure = createDataSource({ kind: 'mssql', server: 's.database.windows.net', database: 'd', authentication: 'azure-default', clientId: 'cid' });
    expect(azure.options).toMatchObject({ authentication: { type: 'azure-active-directory-default', options: { clientId: 'cid' } } });
    expect(JSON.stringify(azure.options)).not.toMatch(/password/i);
  });

  it('generates T-SQL with @-parameters and OFFSET/FETCH paging that parses', () => {
    const [sql, parameters] = ds
      .getRepository(ContractPeriodRow)
      .createQueryBuilder('p')
      .where('p.clientId = :clientId', { clientId: 'client-001' })
      .andWhere('p.endDate >= :asOf', { asOf: '2026-01-01' })
      .orderBy('p.startDate', 'DESC')
      .offset(20)
      .limit(10)
      .getQueryAndParameters();

    expect(sql).toContain('@0');
    expect(sql).toContain('@1');
    expect(sql).toMatch(/OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY/);
    expect(sql).not.toMatch(/\$1|LIMIT/);
    expect(parameters).toHaveLength(2);
    const ast = new Parser().astify(sql, { database: 'transactsql' });
    expect(Array.isArray(ast) ? ast[0]?.type : ast.type).toBe('select');
  });
});

describe('createDataSource for pglite', () => {
  it('owns an embedded Postgres: started by initialize, stopped by destroy', async () => {
    const ds = createDataSource({ kind: 'pglite' });
    expect(ds).toBeInstanceOf(EmbeddedPostgresDataSource);
    await ds.initialize();
    const embedded = (ds as EmbeddedPostgresDataSource).embedded;
    try {
      expect(embedded?.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(await ds.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
      expect(ds.options.migrations).toEqual(postgresMigrations);
    } finally {
      await ds.destroy();
    }
    expect(embedded?.pglite.closed).toBe(true);
    const late = new Client({ connectionString: embedded?.url, connectionTimeoutMillis: 2_000 });
    await expect(late.connect()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects an invalid config with a typed error before doing anything', () => {
    let error: unknown;
    try {
      createDataSource({ kind: 'pglite', dataDir: '' });
    } catch (e) {
      error = e;
    }
    expect(isPersistenceError(error, 'PERSISTENCE_CONFIG_INVALID')).toBe(true);
  });
});

describe.each(testDatabaseTargets())('createDataSource for postgres on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { entities: [ContractPeriodRow], migrations: [] }).initialize();
    const migrator = await createDataSource({ kind: 'postgres', url: db.url }).initialize();
    await runMigrations(migrator);
    await migrator.destroy();
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('client-001', 'Acme', 'employer', 1200)`);
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('round-trips an entity through the repository, dates as plain dates', async () => {
    const repo = ds.getRepository(ContractPeriodRow);
    await repo.save({ periodId: 'p-2026', clientId: 'client-001', pbmName: 'Northwind Rx', startDate: '2026-01-01', endDate: '2026-12-31' });
    expect(await repo.findOneByOrFail({ periodId: 'p-2026' })).toEqual({
      periodId: 'p-2026',
      clientId: 'client-001',
      pbmName: 'Northwind Rx',
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    });
  });

  it('keeps the schema rules: a period must belong to a known client', async () => {
    const repo = ds.getRepository(ContractPeriodRow);
    await expect(repo.insert({ periodId: 'p-x', clientId: 'nobody', pbmName: 'X', startDate: '2026-01-01', endDate: '2026-12-31' })).rejects.toThrow(
      /foreign key/,
    );
  });
});
