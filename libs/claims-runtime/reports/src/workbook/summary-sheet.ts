import type { stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { labelOf } from '../labels';
import { countFormat, currencyFormat } from './finance-formats';
import { frozenHeaderView, writeHeader } from './sheet-helpers';

type SummaryValue = string | number;
const money = (value: string) => ({
  value: Number(value),
  numFmt: currencyFormat,
});
const count = (value: number) => ({ value, numFmt: countFormat });

/** Run identity first (what was reconciled, from which inputs), then the figures. */
export function writeSummarySheet(
  workbook: stream.xlsx.WorkbookWriter,
  report: ReconciliationReport,
): void {
  const sheet = workbook.addWorksheet('Summary', { views: frozenHeaderView });
  writeHeader(sheet, [
    { header: 'Item', width: 30 },
    { header: 'Value', width: 72 },
  ]);
  const { summary } = report;
  const rows: [
    string,
    SummaryValue | { value: SummaryValue; numFmt: string },
  ][] = [
    ['Run', report.runId],
    ['Client', `${report.clientName} (${report.clientId})`],
    ['PBM', report.pbmName],
    [
      'Contract period',
      `${report.periodId}: ${report.periodStart} to ${report.periodEnd}`,
    ],
    ['Claims as of', report.asOf],
    ['Inputs sha256', report.inputsSha256],
    ['Code version', report.codeVersion],
    ['Claims', count(summary.claimCount)],
    ['Eligible claims', count(summary.eligibleClaimCount)],
    ['Excluded claims', count(summary.excludedClaimCount)],
    ['Total AWP', money(summary.totalAwp)],
    ['Total ingredient cost paid', money(summary.totalIngredientCostPaid)],
    ['Guarantee shortfall', money(summary.guaranteeShortfall)],
    ['Audit findings impact', money(summary.auditImpact)],
    ['Total owed', money(summary.totalOwed)],
    // What the findings are made of; the Findings sheet lists each one.
    ...report.findingTotals.map(
      (t): [string, { value: number; numFmt: string }] => [
        `${labelOf(t.kind)} (${t.count} findings)`,
        money(t.impact),
      ],
    ),
  ];
  for (const [label, entry] of rows) {
    const row = sheet.addRow([
      label,
      typeof entry === 'object' ? entry.value : entry,
    ]);
    if (typeof entry === 'object') row.getCell(2).numFmt = entry.numFmt;
    row.getCell(2).alignment = { horizontal: 'left' };
    if (label === 'Total owed') {
      row.font = { bold: true };
      row.border = { bottom: { style: 'thin' } };
    }
    row.commit();
  }
  sheet.commit();
}
