import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { testDatabaseTargets, type TestDatabase } from '../testing/test-database-targets';
import { checkDatabase } from './check-database';

const password = 'Hunter2Secret';

describe.each(testDatabaseTargets())('checkDatabase on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await create();
    // Both servers here accept any password (trust / PGlite); it is in the URL to prove it never leaks.
    const url = new URL(db.url);
    url.password = password;
    // One pooled connection, so whoever holds it makes the probe wait.
    ds = await createDataSource({ kind: 'postgres', url: url.toString(), poolSize: 1 }).initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    await db?.drop();
  });

  it('reports up with a duration', async () => {
    const health = await checkDatabase(ds);
    expect(health.status).toBe('up');
    expect(health.durationMs).toBeGreaterThanOrEqual(0);
    expect(health.detail).toBeUndefined();
  });

  it('reports down when no answer comes in time (pool exhausted), and up again once it frees', async () => {
    // Not pg_sleep: PGlite runs in this thread, so a sleeping query would freeze the timer too.
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      const health = await checkDatabase(ds, { timeoutMs: 300 });
      expect(health).toMatchObject({ status: 'down', detail: 'no answer within 300 ms' });
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    expect((await checkDatabase(ds)).status).toBe('up');
  });

  it('reports down once the database is gone, with a detail that holds no connection string or password', async () => {
    const silence = jest.spyOn(console, 'log').mockImplementation(() => undefined); // TypeORM's pool warnings
    try {
      await db.drop();
      const health = await checkDatabase(ds, { timeoutMs: 5_000 });
      expect(health.status).toBe('down');
      expect(health.detail).toBeTruthy();
      expect(health.detail).not.toContain(password);
      expect(health.detail).not.toContain('postgres://');
    } finally {
      silence.mockRestore();
    }
  });
});

describe('checkDatabase before connecting', () => {
  it('reports down for a data source that was never initialised', async () => {
    const ds = createDataSource({ kind: 'postgres', url: `postgres://u:${password}@127.0.0.1:1/none` });
    expect(await checkDatabase(ds)).toEqual({ status: 'down', durationMs: expect.any(Number), detail: 'not connected' });
  });
});
