import type { CellValue, stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { categoryLabels, owedLines } from '../owed-lines';
import { countFormat, currencyFormat, totalFont } from './finance-formats';
import { frozenHeaderView, writeHeader } from './sheet-helpers';

type Entry = { value: CellValue; numFmt?: string };
const money = (value: string | null): Entry =>
  value === null
    ? { value: 'not recorded' }
    : { value: Number(value), numFmt: currencyFormat };
const count = (value: number): Entry => ({ value, numFmt: countFormat });
const text = (value: string): Entry => ({ value });

/**
 * Run identity first (what was reconciled, from which inputs), then the claims measured, then what
 * is owed: each finding kind with its category, each category's figure as a SUM of its kinds and
 * the total owed as the sum of the two, so the figures recalculate from the rows above them.
 * Every formula caches the exact figure the API and the PDF show.
 */
export function writeSummarySheet(
  workbook: stream.xlsx.WorkbookWriter,
  report: ReconciliationReport,
): void {
  const sheet = workbook.addWorksheet('Summary', { views: frozenHeaderView });
  writeHeader(sheet, [
    { header: 'Item', width: 42 },
    { header: 'Value', width: 72 },
    { header: 'Findings', width: 12 },
    { header: 'Category', width: 22 },
  ]);
  const { summary } = report;
  const rows: [string, Entry][] = [
    ['Run', text(report.runId)],
    ['Client', text(`${report.clientName} (${report.clientId})`)],
    ['PBM', text(report.pbmName)],
    [
      'Contract period',
      text(`${report.periodId}: ${report.periodStart} to ${report.periodEnd}`),
    ],
    ['Claims as of', text(report.asOf)],
    ['Inputs sha256', text(report.inputsSha256)],
    ['Code version', text(report.codeVersion)],
    ['Claims', count(summary.claimCount)],
    ['Eligible claims', count(summary.eligibleClaimCount)],
    ['Excluded claims', count(summary.excludedClaimCount)],
    ['AWP, all claims', money(summary.totalAwp)],
    ['AWP, eligible claims', money(summary.eligibleAwp)],
    [
      'Ingredient cost paid, all claims',
      money(summary.totalIngredientCostPaid),
    ],
    [
      'Ingredient cost paid, eligible claims',
      money(summary.eligibleIngredientCostPaid),
    ],
    // The overlap rule: finding dollars never owed twice, unless a contract says so (disclosed).
    [
      'Finding dollars deducted from terms',
      money(summary.findingOverlap.deducted),
    ],
    [
      'Finding dollars kept in terms (counted twice by contract)',
      money(summary.findingOverlap.kept),
    ],
  ];
  let rowNumber = 1;
  for (const [label, entry] of rows) {
    const row = sheet.addRow([label, entry.value]);
    rowNumber += 1;
    if (entry.numFmt) row.getCell(2).numFmt = entry.numFmt;
    row.getCell(2).alignment = { horizontal: 'left' };
    row.commit();
  }

  const kindRows = new Map<string, number[]>();
  const subtotalRows: number[] = [];
  for (const line of owedLines(report)) {
    rowNumber += 1;
    const row = sheet.addRow([line.label]);
    const impact = row.getCell(2);
    const findings = row.getCell(3);
    if (line.role === 'kind' && line.category) {
      impact.value = Number(line.impact);
      findings.value = line.count;
      row.getCell(4).value = categoryLabels[line.category];
      kindRows.set(line.category, [
        ...(kindRows.get(line.category) ?? []),
        rowNumber,
      ]);
    } else if (line.role === 'subtotal' && line.category) {
      const of = kindRows.get(line.category) ?? [];
      impact.value = sumOf('B', of, Number(line.impact));
      findings.value = sumOf('C', of, line.count ?? 0);
      subtotalRows.push(rowNumber);
      row.font = totalFont;
    } else {
      impact.value = sumOf('B', subtotalRows, Number(line.impact));
      row.font = totalFont;
      row.border = { top: { style: 'thin' }, bottom: { style: 'double' } };
    }
    impact.numFmt = currencyFormat;
    impact.alignment = { horizontal: 'left' };
    findings.numFmt = countFormat;
    row.commit();
  }
  sheet.commit();
}

/** `SUM(B20,B22)` over the given rows, caching the exact figure; a plain 0 when there are none. */
function sumOf(
  column: string,
  rows: readonly number[],
  result: number,
): CellValue {
  if (rows.length === 0) return 0;
  return {
    formula: `SUM(${rows.map((r) => `${column}${r}`).join(',')})`,
    result,
  };
}
