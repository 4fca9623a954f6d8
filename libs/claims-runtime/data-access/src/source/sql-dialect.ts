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
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: (id) => `"${id}"`,
  param: (i) => `$${i + 1}`,
  true: 'TRUE',
  false: 'FALSE',
  exactText: (e) => `CAST(${e} AS VARCHAR(40))`,
  dateText: (e) => `TO_CHAR(${e}, 'YYYY-MM-DD')`,
};

export const mssqlDialect: SqlDialect = {
  name: 'mssql',
  quote: (id) => `[${id}]`,
  param: (i) => `@${i}`,
  true: '1',
  false: '0',
  exactText: (e) => `CAST(${e} AS VARCHAR(40))`,
  dateText: (e) => `CONVERT(VARCHAR(10), ${e}, 23)`,
};

export const dialectFor = (mapping: ClaimsSourceMapping): SqlDialect =>
  mapping.dialect === 'mssql' ? mssqlDialect : postgresDialect;
