import 'reflect-metadata';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { EmbeddedPostgresDataSource } from '../data-source/embedded-postgres-data-source';
import { testDatabaseTargets, type TestDatabase } from '../testing/test-database-targets';
import { PersistenceModule } from './persistence.module';
import { DATA_SOURCE } from './persistence.tokens';

/** A consumer in another module, as a service's repository would be. */
@Injectable()
class ClientCounter implements OnModuleInit {
  seenAtInit: boolean | undefined;
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}
  onModuleInit(): void {
    this.seenAtInit = this.dataSource.isInitialized;
  }
  async count(): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query('SELECT count(*)::int AS n FROM clients');
    return rows[0]?.n ?? -1;
  }
}

@Module({ providers: [ClientCounter], exports: [ClientCounter] })
class ClientsFeatureModule {}

const DATABASE_URL = Symbol('DATABASE_URL');

@Module({ providers: [{ provide: DATABASE_URL, useFactory: () => currentUrl }], exports: [DATABASE_URL] })
class ConfigModule {}
let currentUrl = '';

describe.each(testDatabaseTargets())('PersistenceModule on $name', ({ create }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.drop());

  it('forRoot provides a connected, migrated DataSource to other modules and closes it on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ database: { kind: 'postgres', url: db.url }, runMigrations: true }), ClientsFeatureModule],
    }).compile();
    // The testing module is an application context: init() runs the init hooks, close() the shutdown hooks.
    const app = await moduleRef.init();
    const counter = app.get(ClientCounter);
    expect(counter.seenAtInit).toBe(true);
    expect(await counter.count()).toBe(0);

    await app.close();
    expect(counter.dataSource.isInitialized).toBe(false);
  });

  it('forRootAsync takes its options from injected configuration', async () => {
    currentUrl = db.url;
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRootAsync({
          imports: [ConfigModule],
          inject: [DATABASE_URL],
          useFactory: (url: string) => ({ database: { kind: 'postgres' as const, url }, migrations: [] }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const ds = app.get<DataSource>(DATA_SOURCE);
    // The tables exist from the previous test's migration; this module was told to run none.
    expect(await ds.query(`SELECT count(*)::int AS n FROM clients`)).toEqual([{ n: 0 }]);
    await app.close();
    expect(ds.isInitialized).toBe(false);
  });

  it('fails the application start with the typed migration error when a migration fails', async () => {
    class Broken1900000000001 {
      name = 'Broken1900000000001';
      async up(runner: { query(sql: string): Promise<unknown> }) {
        await runner.query('SELECT * FROM missing_table');
      }
      async down() {
        /* never applied */
      }
    }
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const start = Test.createTestingModule({
        imports: [PersistenceModule.forRoot({ database: { kind: 'postgres', url: db.url }, migrations: [Broken1900000000001], runMigrations: true })],
      }).compile();
      await expect(start).rejects.toMatchObject({ code: 'PERSISTENCE_MIGRATION_FAILED' });
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});

describe('PersistenceModule with an embedded database', () => {
  it('starts PGlite for a pglite config and stops it with the application', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ database: { kind: 'pglite' }, runMigrations: true })],
    }).compile();
    const app = await moduleRef.init();
    const ds = app.get<DataSource>(DATA_SOURCE);
    expect(ds).toBeInstanceOf(EmbeddedPostgresDataSource);
    const url = (ds as EmbeddedPostgresDataSource).embedded?.url ?? '';
    expect(await ds.query(`SELECT count(*)::int AS n FROM contract_guarantees`)).toEqual([{ n: 0 }]);

    await app.close();
    const late = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    await expect(late.connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});
