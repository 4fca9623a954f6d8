import type { Writable } from 'node:stream';
import { stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { reportAuthor, reportDate } from '../report-date';
import { writeBucketsSheet } from './buckets-sheet';
import { pinZipEntryDates } from './deterministic-zip';
import { writeEvidenceSheet } from './evidence-sheet';
import { writeFindingsSheet } from './findings-sheet';
import { writeMethodologySheet } from './methodology-sheet';
import { writeSummarySheet } from './summary-sheet';

/**
 * Streams the reconciliation workbook (Summary, Buckets, Findings, Evidence,
 * Methodology; each printable on a landscape page) into `out` and
 * resolves when `out` has finished. Findings are written row by row, so memory stays flat for
 * large runs. The bytes depend only on the report: the same report gives the same sha256.
 */
export async function writeReconciliationWorkbook(report: ReconciliationReport, out: Writable): Promise<void> {
  const date = reportDate(report);
  const workbook = new stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  pinZipEntryDates(workbook, date);
  workbook.creator = reportAuthor;
  workbook.lastModifiedBy = reportAuthor;
  workbook.created = date;
  workbook.modified = date;
  workbook.title = `Guarantee reconciliation ${report.clientName} ${report.periodId}`;
  workbook.subject = report.runId;

  writeSummarySheet(workbook, report);
  writeBucketsSheet(workbook, report);
  await writeFindingsSheet(workbook, report);
  writeEvidenceSheet(workbook, report);
  writeMethodologySheet(workbook, report);
  await workbook.commit();
}
