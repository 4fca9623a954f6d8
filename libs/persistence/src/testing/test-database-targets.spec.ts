import { Client } from 'pg';
import { testDatabasePrefix, testDatabaseTargets, type TestDatabase } from './test-database-targets';

describe('testDatabaseTargets', () => {
  it('offers only pglite without TEST_DATABASE_URL, and postgres as well with it', () => {
    expect(testDatabaseTargets({}).map((t) => t.name)).toEqual(['pglite']);
    expect(testDatabaseTargets({ TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' }).map((t) => t.name)).toEqual(['pglite', 'postgres']);
  });

  describe.each(testDatabaseTargets())('$name', ({ name, create }) => {
    let first: TestDatabase;
    let second: TestDatabase;

    beforeAll(async () => {
      [first, second] = await Promise.all([create(), create()]);
    });
    afterAll(async () => {
      await Promise.all([first?.drop(), second?.drop()]);
    });

    it('gives each caller its own empty database reachable over the wire protocol', async () => {
      expect(first.url).not.toEqual(second.url);
      const a = new Client({ connectionString: first.url });
      const b = new Client({ connectionString: second.url });
      await Promise.all([a.connect(), b.connect()]);
      try {
        await a.query('CREATE TABLE only_in_first (id int)');
        const seen = await b.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'only_in_first'`);
        expect(seen.rows[0].n).toBe(0);
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
      expect(first.pglite !== undefined).toBe(name === 'pglite');
    });

    it('removes the database on drop, and a second drop is harmless', async () => {
      const db = second;
      await db.drop();
      await db.drop();
      const probe = new Client({ connectionString: db.url, connectionTimeoutMillis: 2_000 });
      await expect(probe.connect()).rejects.toThrow();
      await probe.end().catch(() => undefined);
      if (name === 'postgres') {
        expect(new URL(db.url).pathname.slice(1).startsWith(testDatabasePrefix)).toBe(true);
      }
    });
  });
});
