import type { SqlDialect } from './dialect';

/**
 * SQL text that differs between PostgreSQL and T-SQL, for the hand-written queries that push
 * aggregation down to the database. Values are validated here because they are spliced into SQL.
 */

/** `TRUE` / `FALSE` on PostgreSQL; `1` / `0` on SQL Server, which has no boolean literal (BIT columns). */
export function booleanLiteral(dialect: SqlDialect, value: boolean): string {
  if (dialect === 'mssql') return value ? '1' : '0';
  return value ? 'TRUE' : 'FALSE';
}

/** `"name"` or `[name]`; rejects anything that is not a plain identifier rather than escaping it. */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new RangeError(`Not a plain SQL identifier: ${JSON.stringify(name)}`);
  return dialect === 'mssql' ? `[${name}]` : `"${name}"`;
}

export interface Page {
  limit: number;
  offset?: number;
}

/**
 * The clause that follows ORDER BY to return one page: `LIMIT n OFFSET m` on PostgreSQL,
 * `OFFSET m ROWS FETCH NEXT n ROWS ONLY` on SQL Server (which requires the ORDER BY; so does
 * any stable paging, so callers always write one).
 */
export function pagingClause(dialect: SqlDialect, page: Page): string {
  const limit = checkedCount('limit', page.limit, 1);
  const offset = checkedCount('offset', page.offset ?? 0, 0);
  if (dialect === 'mssql') return `OFFSET ${offset} ROWS FETCH NEXT ${limit} ROWS ONLY`;
  return `LIMIT ${limit} OFFSET ${offset}`;
}

/** Positional parameter `n` (1-based): `$1` on PostgreSQL, `@0` on SQL Server (TypeORM's mssql style). */
export function parameter(dialect: SqlDialect, position: number): string {
  const n = checkedCount('position', position, 1);
  return dialect === 'mssql' ? `@${n - 1}` : `$${n}`;
}

function checkedCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}
