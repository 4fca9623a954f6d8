import { Client } from 'pg';
import { EmbeddedPostgres } from './embedded-postgres';

/**
 * Several pools share the one embedded backend. An extended-protocol query is several messages
 * (Parse, Bind, Describe, Execute, Sync) using the backend's unnamed statement and portal; if
 * another connection's messages land in between, a client reads another client's result or gets
 * "portal does not exist". This proves every connection gets its own answers under contention.
 */
describe('embedded Postgres under concurrent extended-protocol queries', () => {
  let embedded: EmbeddedPostgres;
  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start();
  });
  afterAll(() => embedded?.stop());

  it('answers every connection with its own result', async () => {
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new Client({ connectionString: embedded.url });
        await c.connect();
        return c;
      }),
    );
    try {
      const wrong: string[] = [];
      await Promise.all(
        clients.map(async (client, k) => {
          for (let i = 0; i < 60; i++) {
            const want = `${k}:${i}`;
            // Half the connections work in transactions, as the outbox and the task ledger do.
            if (k % 2 === 1) {
              await client.query('BEGIN');
              const { rows } = await client.query(`SELECT $1::text AS v, $2::int AS n, ${k} AS k`, [want, i]);
              await client.query('COMMIT');
              if (rows[0]?.v !== want || rows[0]?.n !== i) wrong.push(`${want} got ${JSON.stringify(rows[0])}`);
              continue;
            }
            const { rows } = await client.query(`SELECT $1::text AS v, $2::int AS n, ${k} AS k`, [want, i]);
            if (rows[0]?.v !== want || rows[0]?.n !== i) wrong.push(`${want} got ${JSON.stringify(rows[0])}`);
          }
        }),
      );
      expect(wrong).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
