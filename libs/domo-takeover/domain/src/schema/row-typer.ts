import type { DeclaredColumn } from './domo-column';
import { parseCell, type CellError, type CellValue } from './cell-parser';

export type TypedRow = readonly CellValue[];

export type TypedResult = { ok: true; row: TypedRow } | { ok: false; errors: readonly CellError[] };

/**
 * Types CSV records (arrays of cells in header order) into the declared columns' order. Built
 * once per export from its header; the header must carry every declared column (drift is
 * checked before). A null in a column not declared nullable is an error, not a default.
 */
export class RowTyper {
  private readonly positions: readonly number[];

  constructor(
    readonly columns: readonly DeclaredColumn[],
    header: readonly string[],
  ) {
    this.positions = columns.map((c) => {
      const at = header.indexOf(c.name);
      if (at < 0) throw new Error(`header lacks declared column ${c.name}`);
      return at;
    });
  }

  type(record: readonly string[]): TypedResult {
    const row: CellValue[] = new Array<CellValue>(this.columns.length);
    let errors: CellError[] | undefined;
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i] as DeclaredColumn;
      const text = record[this.positions[i] as number];
      if (text === undefined) {
        (errors ??= []).push({ column: column.name, value: '', expected: column.type });
        continue;
      }
      const cell = parseCell(column.name, column.type, text);
      if (!cell.ok) (errors ??= []).push(cell.error);
      else if (cell.value === null && !column.nullable) (errors ??= []).push({ column: column.name, value: '', expected: column.type });
      else row[i] = cell.value;
    }
    return errors ? { ok: false, errors } : { ok: true, row };
  }
}
