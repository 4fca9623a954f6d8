import type { BenchSuiteResult } from './bench-case';

export function formatJson(result: BenchSuiteResult): string {
  return `${JSON.stringify(result)}\n`;
}

const grouped = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2));

/** A plain table for people: case, ours, reference, ratio (above 1.00x = ahead). */
export function formatTable(result: BenchSuiteResult): string {
  const rows = [
    ['case', 'ours', 'reference', 'ratio'],
    ...result.cases.map((c) => [
      c.name,
      `${grouped(c.value)} ${c.unit}`,
      `${grouped(c.reference.value)} ${c.unit} (${c.reference.name})`,
      `${c.ratio.toFixed(2)}x`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`suite ${result.suite}`, line(rows[0] ?? []), ...rows.slice(1).map(line)].join('\n') + '\n';
}
