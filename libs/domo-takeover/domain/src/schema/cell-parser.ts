import type { DomoColumnType } from './domo-column';

export type CellValue = string | number | null;

/** Why a cell could not be typed; the raw text is kept for the failure sample. */
export interface CellError {
  readonly column: string;
  readonly value: string;
  readonly expected: DomoColumnType;
}

const LONG = /^-?\d{1,16}$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL = /^-?\d{1,18}(\.\d{1,6})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const INVALID = Symbol('invalid');
type Parsed = CellValue | typeof INVALID;

/**
 * Types one CSV cell. An empty cell is null (Domo exports nulls as empty); anything that is not
 * exactly its declared type is invalid, never coerced: '12.5' is not a LONG, '1e3' is not a
 * DECIMAL, '2024-02-30' is not a DATE. Decimals keep their text so PostgreSQL NUMERIC gets the
 * exact digits.
 */
function parse(type: DomoColumnType, text: string): Parsed {
  if (text === '') return null;
  switch (type) {
    case 'STRING':
      return text;
    case 'LONG': {
      if (!LONG.test(text)) return INVALID;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : INVALID;
    }
    case 'DOUBLE': {
      if (!NUMBER.test(text)) return INVALID;
      const n = Number(text);
      return Number.isFinite(n) ? n : INVALID;
    }
    case 'DECIMAL':
      return DECIMAL.test(text) ? text : INVALID;
    case 'DATE':
      return validDate(text) ? text : INVALID;
    case 'DATETIME':
      return DATETIME.test(text) && validDate(text.slice(0, 10)) ? text : INVALID;
  }
}

export function parseCell(column: string, type: DomoColumnType, text: string): { ok: true; value: CellValue } | { ok: false; error: CellError } {
  const value = parse(type, text);
  return value === INVALID ? { ok: false, error: { column, value: text, expected: type } } : { ok: true, value };
}
