import type { CellValue, stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { labelOf } from '../labels';
import { categoryLabels, owedLines } from '../owed-lines';
import { describeWatermark } from '../source-watermark';
import { exactCriterion } from './formula-text';
import { countFormat, currencyFormat, totalFont } from './finance-formats';
import { writeHeader, landscapeSheet } from './sheet-helpers';

type Entry = { value: CellValue; numFmt?: string };
/** Where the detail sheets keep what the Summary adds up (see findings-sheet, buckets-sheet). */
const findingsKind = 'Findings!$B:$B';
const findingsImpact = 'Findings!$H:$H';
const bucketsMetric = 'Buckets!$B:$B';
const bucketsRule = 'Buckets!$O:$O';
const bucketsCostMoved = 'Buckets!$R:$R';
const bucketsFeesMoved = 'Buckets!$S:$S';

/**
 * Finding dollars a rule moved, as the engine counts them: a discount term's ingredient cost, a
 * fee term's fee (each moved dollar once), over the Buckets sheet, caching the summary's figure.
 */
const movedByRule = (rule: string, exact: string): Entry => ({
  value: {
    formula: [
      `SUMIFS(${bucketsCostMoved},${bucketsRule},${exactCriterion(rule)},${bucketsMetric},${exactCriterion(labelOf('awp_discount'))})`,
      `SUMIFS(${bucketsFeesMoved},${bucketsRule},${exactCriterion(rule)},${bucketsMetric},${exactCriterion(labelOf('dispensing_fee'))})`,
    ].join('+'),
    result: Number(exact),
  },
  numFmt: currencyFormat,
});
const money = (value: string | null): Entry => (value === null ? { value: 'not recorded' } : { value: Number(value), numFmt: currencyFormat });
const count = (value: number): Entry => ({ value, numFmt: countFormat });
const text = (value: string): Entry => ({ value });

/**
 * Run identity first (what was reconciled, from which inputs), then the claims measured, then what
 * is owed: each finding kind's impact and count as SUMIF/COUNTIF over the Findings sheet, each
 * category's figure as a SUM of its kinds and the total owed as the sum of the two; the overlap
 * figures as SUMIFS over the Buckets sheet. Every formula caches the exact figure the API and the
 * PDF show, so a reader that does not recalculate sees them too.
 */
export function writeSummarySheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): void {
  const sheet = landscapeSheet(workbook, 'Summary', report);
  writeHeader(sheet, [
    { header: 'Item', width: 42 },
    { header: 'Value', width: 72 },
    { header: 'Findings', width: 12 },
    { header: 'Category', width: 22 },
  ]);
  const { summary } = report;
  const rows: [string, Entry][] = [
    ['Report reference', text(report.runId)],
    ['Client', text(`${report.clientName} (${report.clientId})`)],
    ['PBM', text(report.pbmName)],
    ['Contract period', text(`${report.periodId}: ${report.periodStart} to ${report.periodEnd}`)],
    ['Claims source', text(describeWatermark(report.asOf))],
    ['Inputs sha256', text(report.inputsSha256)],
    ['Code version', text(report.codeVersion)],
    ['Net claims', count(summary.claimCount)],
    ['Eligible claims', count(summary.eligibleClaimCount)],
    ['Excluded claims', count(summary.excludedClaimCount)],
    ['AWP, all claims', money(summary.totalAwp)],
    ['AWP, eligible claims', money(summary.eligibleAwp)],
    ['Ingredient cost paid, all claims', money(summary.totalIngredientCostPaid)],
    ['Ingredient cost paid, eligible claims', money(summary.eligibleIngredientCostPaid)],
    // The overlap rule: finding dollars never owed twice, unless a contract says so (disclosed).
    ['Finding dollars deducted from terms', movedByRule('deducted', summary.findingOverlap.deducted)],
    ['Finding dollars kept in terms (counted twice by contract)', movedByRule('kept', summary.findingOverlap.kept)],
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
    if (line.role === 'kind' && line.category && line.kind) {
      // Each kind's figures are the Findings sheet's rows of that kind, added up there.
      const kind = exactCriterion(labelOf(line.kind));
      impact.value = {
        formula: `SUMIF(${findingsKind},${kind},${findingsImpact})`,
        result: Number(line.impact),
      };
      findings.value = {
        formula: `COUNTIF(${findingsKind},${kind})`,
        result: line.count ?? 0,
      };
      row.getCell(4).value = categoryLabels[line.category];
      kindRows.set(line.category, [...(kindRows.get(line.category) ?? []), rowNumber]);
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
function sumOf(column: string, rows: readonly number[], result: number): CellValue {
  if (rows.length === 0) return 0;
  return {
    formula: `SUM(${rows.map((r) => `${column}${r}`).join(',')})`,
    result,
  };
}
