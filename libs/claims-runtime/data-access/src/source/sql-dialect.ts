import type { ClaimsSourceMapping } from './claims-source-mapping';

/**
 * What differs between PostgreSQL and SQL Server in the queries a reconciliation issues:
 * identifier quoting, parameter markers, boolean (bit) literals and exact decimal output
 * (tedious returns DECIMAL as a JS number, so SQL Server sums are cast to text).
 */
export interface SqlDialect {
  readonly name: ClaimsSourceMapping['dialect'];
  quote(identifier: string): string;
  param(index: number): string;
  readonly true: string;
  readonly false: string;
  exactText(expression: string): string;
  /** A DATE as `YYYY-MM-DD` text. */
  dateText(expression: string): string;
  /** Whole days from the DATE `from` to the DATE `to`. */
  daysBetween(from: string, to: string): string;
  /** SUM(expression), or COUNT(*) when it is null, over the rows where `condition` holds. */
  filtered(expression: string | null, condition: string): string;
}

/** PostgreSQL's FILTER clause lets the planner skip the expression for rows it does not take. */
const filterClause = (expression: string | null, condition: string) => `${expression === null ? 'COUNT(*)' : `SUM(${expression})`} FILTER (WHERE ${condition})`;
const caseSum = (expression: string | null, condition: string) => `SUM(CASE WHEN ${condition} THEN ${expression ?? '1'} ELSE 0 END)`;

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: (id) => `"${id}"`,
  param: (i) => `$${i + 1}`,
  true: 'TRUE',
  false: 'FALSE',
  exactText: (e) => `CAST(${e} AS VARCHAR(40))`,
  dateText: (e) => `TO_CHAR(${e}, 'YYYY-MM-DD')`,
  daysBetween: (from, to) => `(${to} - ${from})`,
  filtered: filterClause,
};

export const mssqlDialect: SqlDialect = {
  name: 'mssql',
  quote: (id) => `[${id}]`,
  param: (i) => `@${i}`,
  true: '1',
  false: '0',
  exactText: (e) => `CAST(${e} AS VARCHAR(40))`,
  dateText: (e) => `CONVERT(VARCHAR(10), ${e}, 23)`,
  daysBetween: (from, to) => `DATEDIFF(day, ${from}, ${to})`,
  filtered: caseSum,
};

export const dialectFor = (mapping: ClaimsSourceMapping): SqlDialect => (mapping.dialect === 'mssql' ? mssqlDialect : postgresDialect);
