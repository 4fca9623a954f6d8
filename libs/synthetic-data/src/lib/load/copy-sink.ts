import type { SqlQueryable } from './sql-queryable';

export interface CsvPiece {
  readonly text: string;
  readonly rows: number;
}

/** One open transaction a loader copies CSV into, whatever the database underneath. */
export interface CopySink extends SqlQueryable {
  /** COPYs headerless CSV pieces into `table (columns)`; resolves to the rows the database took. */
  copy(table: string, columns: readonly string[], pieces: Iterable<CsvPiece>): Promise<number>;
}

export function copyStatement(table: string, columns: readonly string[], source: 'STDIN' | `'/dev/blob'`): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}
