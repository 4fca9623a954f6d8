import type { stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { setAutoFilter, writeHeader, landscapeSheet } from './sheet-helpers';

/** What the figures were computed from, by content hash, so a reader can fetch and check each input. */
export function writeEvidenceSheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): void {
  const sheet = landscapeSheet(workbook, 'Evidence', report);
  writeHeader(sheet, [
    { header: 'Name', width: 34 },
    { header: 'SHA-256', width: 68 },
    { header: 'Reference', width: 60 },
  ]);
  for (const item of report.evidence) sheet.addRow([item.name, item.sha256, item.reference]).commit();
  setAutoFilter(sheet, 3, report.evidence.length + 1);
  sheet.commit();
}
