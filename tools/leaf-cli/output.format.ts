/** Pure text formatting: tables for people, CSV for spreadsheets, the progress bar. */

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Numbers and money read best right-aligned. */
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis (tables only; CSV keeps everything). */
  max?: number;
}

const cell = (v: string | number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
// Tables are one row per line: a newline or tab inside a value would break the columns.
const flat = (s: string) => s.replace(/[\r\n\t]+/g, ' ');
const cut = (s: string, max?: number) => (max !== undefined && s.length > max ? `${s.slice(0, Math.max(max - 1, 0))}…` : s);

/** Columns padded to their widest cell, two spaces apart, a header line first; no trailing spaces. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cut(flat(cell(c.value(r))), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes doubled. */
export function csvField(v: string | number | null | undefined): string {
  const s = cell(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV rows ending in CRLF, as RFC 4180 and spreadsheet imports expect. */
export function csvRows<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return rows.map((r) => columns.map((c) => csvField(c.value(r))).join(',') + '\r\n').join('');
}

export function csvHeader<T>(columns: readonly Column<T>[]): string {
  return columns.map((c) => csvField(c.header)).join(',') + '\r\n';
}

/** `[#########...........]  45%`: the fraction clamped to 0..1, the percentage floored (100% only when done). */
export function formatBar(fraction: number, width = 30): string {
  const f = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
  const filled = Math.floor(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/** 1234567 → `1.2 MB` (powers of 1000, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** 75 s → `1m15s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(Math.round(ms / 1000), 0);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A money string from the API (`-1234.50`) as `-$1,234.50`; exact: the digits are never a float. */
export function formatMoney(money: string): string {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(money);
  if (!match) return money;
  const [, sign, whole, cents] = match;
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** `{a: 1, b: 'x y'}` → `a=1 b="x y"`: an event's detail on one line; nested values as JSON, long ones cut. */
export function formatDetail(detail: Record<string, unknown>, max = 160): string {
  const parts = Object.entries(detail).map(([k, v]) => {
    const text = typeof v === 'string' ? (/^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)) : JSON.stringify(v);
    return `${k}=${text}`;
  });
  return cut(flat(parts.join(' ')), max);
}
