import { Parser } from 'node-sql-parser';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { testDatabaseTargets, type TestDatabase } from '../testing/test-database-targets';
import { dialectOf, dialectOfConfig, type SqlDialect } from './dialect';
import { booleanLiteral, pagingClause, parameter, quoteIdentifier } from './sql-fragments';

/** One hand-written query, as a repository would build it for either dialect. */
function unflaggedClaimsPage(dialect: SqlDialect, page: { limit: number; offset: number }): string {
  const q = (name: string) => quoteIdentifier(dialect, name);
  return (
    `SELECT ${q('claim_id')} FROM ${q('claims')} ` +
    `WHERE ${q('is_compound')} = ${booleanLiteral(dialect, false)} AND ${q('client_id')} = ${parameter(dialect, 1)} ` +
    `ORDER BY ${q('claim_id')} ${pagingClause(dialect, page)}`
  );
}

describe('dialect detection', () => {
  it('tells PostgreSQL (and PGlite) from SQL Server, from a data source or a config', () => {
    expect(dialectOf(createDataSource({ kind: 'mssql', server: 's', database: 'd', authentication: 'azure-default' }))).toBe('mssql');
    expect(dialectOf(createDataSource({ kind: 'postgres', url: 'postgres://u@h/d' }))).toBe('postgres');
    expect(dialectOf(createDataSource({ kind: 'pglite' }))).toBe('postgres');
    expect(dialectOfConfig({ kind: 'pglite' })).toBe('postgres');
  });
});

describe('SQL fragments in T-SQL', () => {
  it('produce a query SQL Server grammar accepts, with the page and the boolean where intended', () => {
    const sql = unflaggedClaimsPage('mssql', { limit: 10, offset: 20 });
    expect(sql).toBe(
      'SELECT [claim_id] FROM [claims] WHERE [is_compound] = 0 AND [client_id] = @0 ORDER BY [claim_id] OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY',
    );
    const ast = new Parser().astify(sql, { database: 'transactsql' }) as unknown as {
      limit: { offset: { value: { value: number } }; fetch: { value: { value: number } } };
    };
    expect(ast.limit.offset.value.value).toBe(20);
    expect(ast.limit.fetch.value.value).toBe(10);
  });

  it('refuse values that would be spliced into SQL unsafely', () => {
    expect(() => quoteIdentifier('mssql', 'claims]; DROP TABLE claims;--')).toThrow(RangeError);
    expect(() => pagingClause('postgres', { limit: 0 })).toThrow(RangeError);
    expect(() => pagingClause('mssql', { limit: 10, offset: -1 })).toThrow(RangeError);
    expect(() => pagingClause('mssql', { limit: 1.5 })).toThrow(RangeError);
    expect(() => parameter('postgres', 0)).toThrow(RangeError);
  });
});

describe.each(testDatabaseTargets())('SQL fragments on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }).initialize();
    await ds.query(`CREATE TABLE claims (claim_id varchar(10) PRIMARY KEY, client_id varchar(10) NOT NULL, is_compound boolean NOT NULL)`);
    // 30 claims for c1 of which every third is a compound, plus noise for another client.
    await ds.query(
      `INSERT INTO claims SELECT 'k' || lpad(i::text, 3, '0'), 'c1', i % 3 = 0 FROM generate_series(1, 30) AS i
       UNION ALL SELECT 'z' || i, 'c2', false FROM generate_series(1, 5) AS i`,
    );
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('pages through the non-compound claims of one client in order', async () => {
    const page = async (offset: number) =>
      ((await ds.query(unflaggedClaimsPage('postgres', { limit: 8, offset }), ['c1'])) as Array<{ claim_id: string }>).map(
        (r) => r.claim_id,
      );
    const pages = [await page(0), await page(8), await page(16)];
    expect(pages.map((p) => p.length)).toEqual([8, 8, 4]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(20);
    expect(all).toEqual([...all].sort());
    expect(all.every((id) => Number(id.slice(1)) % 3 !== 0)).toBe(true);
    expect(all[0]).toBe('k001');
  });

  it('treats booleanLiteral(true) as the real boolean', async () => {
    const rows: Array<{ n: number }> = await ds.query(
      `SELECT count(*)::int AS n FROM claims WHERE is_compound = ${booleanLiteral('postgres', true)}`,
    );
    expect(rows[0]?.n).toBe(10);
  });
});
