import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { isPersistenceError } from '../errors/persistence.error';
import { EmbeddedPostgres } from './embedded-postgres';

describe('EmbeddedPostgres', () => {
  describe('in memory with pgvector', () => {
    let embedded: EmbeddedPostgres;
    beforeAll(async () => {
      embedded = await EmbeddedPostgres.start({ extensions: 'vector' });
    });
    afterAll(() => embedded?.stop());

    it('serves the wire protocol on a free local port under the documented URL', () => {
      expect(embedded.port).toBeGreaterThan(0);
      expect(embedded.url).toBe(`postgres://postgres@127.0.0.1:${embedded.port}/postgres`);
    });

    it('lets a pg pool use several connections at once', async () => {
      const pool = new Pool({ connectionString: embedded.url, max: 5 });
      try {
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.query<{ n: number }>('SELECT $1::int * 2 AS n', [i])));
        expect(answers.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
        expect(pool.totalCount).toBeGreaterThan(1);
      } finally {
        await pool.end();
      }
    });

    it('has pgvector available for a migration to enable', async () => {
      const client = new Client({ connectionString: embedded.url });
      await client.connect();
      try {
        await client.query('CREATE EXTENSION IF NOT EXISTS vector');
        const { rows } = await client.query<{ d: number }>(`SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector AS d`);
        expect(rows[0]?.d).toBeCloseTo(1);
      } finally {
        await client.end();
      }
    });

    it('bulk loads through the in-process instance and shows the rows over the socket', async () => {
      await embedded.pglite.exec('CREATE TABLE bulk (id int, name text)');
      const csv = Array.from({ length: 1000 }, (_, i) => `${i},name-${i}\n`).join('');
      await embedded.pglite.query(`COPY bulk FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
      const client = new Client({ connectionString: embedded.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number; last: string }>(`SELECT count(*)::int AS n, max(name) FILTER (WHERE id = 999) AS last FROM bulk`);
        expect(rows[0]).toEqual({ n: 1000, last: 'name-999' });
      } finally {
        await client.end();
      }
    });

    it('gives the next in-memory instance a clean database, not a copy of this one', async () => {
      const other = await EmbeddedPostgres.start();
      try {
        const { rows } = await other.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'bulk'`);
        expect(rows[0]?.n).toBe(0);
      } finally {
        await other.stop();
      }
    });

    it('stops idempotently: closed port, closed database, even with a client still connected', async () => {
      const client = new Client({ connectionString: embedded.url });
      client.on('error', () => undefined); // the server going away is the point of this test
      await client.connect();
      await Promise.all([embedded.stop(), embedded.stop()]);
      await embedded.stop();
      expect(embedded.pglite.closed).toBe(true);
      const late = new Client({ connectionString: embedded.url, connectionTimeoutMillis: 2_000 });
      await expect(late.connect()).rejects.toThrow(/ECONNREFUSED/);
      await client.end().catch(() => undefined);
    });
  });

  describe('file backed', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'leaf-embedded-'));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('creates the directory and keeps data across a restart', async () => {
      const dataDir = join(root, 'nested', 'pg');
      const first = await EmbeddedPostgres.start({ dataDir });
      try {
        await first.pglite.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
      } finally {
        await first.stop();
      }
      expect((await stat(dataDir)).isDirectory()).toBe(true);

      const second = await EmbeddedPostgres.start({ dataDir });
      try {
        const client = new Client({ connectionString: second.url });
        await client.connect();
        const { rows } = await client.query('SELECT v FROM kept');
        await client.end();
        expect(rows).toEqual([{ v: 'still here' }]);
      } finally {
        await second.stop();
      }
    });
  });

  it('fails fast with a typed error when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await EmbeddedPostgres.start({ port }).catch((e: unknown) => e);
      expect(isPersistenceError(error, 'PERSISTENCE_EMBEDDED_START_FAILED')).toBe(true);
      expect((error as Error).message).toContain(String(port));
      expect(Date.now() - started).toBeLessThan(1_000); // did not open PGlite first
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('rejects invalid options before opening anything', async () => {
    const error = await EmbeddedPostgres.start({ port: -1 }).catch((e: unknown) => e);
    expect(isPersistenceError(error, 'PERSISTENCE_CONFIG_INVALID')).toBe(true);
  });
});
