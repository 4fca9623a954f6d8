import type { stream, Worksheet } from 'exceljs';
import { fromCents, toCents } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { labelOf } from '../labels';
import { countFormat, currencyFormat } from './finance-formats';
import { applyColumnStyles, columnStyles, setAutoFilter, styleTotalRow, totalCell, writeHeader, type SheetColumn, landscapeSheet } from './sheet-helpers';

const columns: readonly SheetColumn[] = [
  { header: 'Finding', width: 34 },
  { header: 'Kind', width: 22 },
  { header: 'Claim', width: 16 },
  { header: 'Guarantee', width: 30 },
  { header: 'Channel', width: 11 },
  { header: 'Drug type', width: 10 },
  { header: 'Claims', width: 9, numFmt: countFormat },
  { header: 'Impact', width: 15, numFmt: currencyFormat },
  { header: 'Detail', width: 60 },
  { header: 'Evidence', width: 44 },
];
const impactColumn = 8;
const claimsColumn = 7;
const drainEvery = 1_000;
const highWaterBytes = 1 << 20;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface BufferedStream {
  _readableState?: { length?: number };
  _writableState?: { length?: number };
}

/**
 * exceljs hands a sheet's rows to archiver through a PassThrough (archiver wraps exceljs's own
 * stream in one) and ignores its backpressure, so a fast producer would buffer the whole sheet in
 * memory (1M findings: ~450 MB of buffers). Waiting while more than 1 MB is queued there keeps it
 * flat, and passes the backpressure of `out` on to the findings source. If exceljs stops exposing
 * that stream this degrades to yielding a tick: still correct, just not frugal.
 */
async function drain(sheet: Worksheet): Promise<void> {
  const pending = (sheet as unknown as { stream?: { pipes?: BufferedStream[] } }).stream?.pipes?.[0];
  const queued = () => (pending?._writableState?.length ?? 0) + (pending?._readableState?.length ?? 0);
  do await tick();
  while (queued() > highWaterBytes);
}

/**
 * Every finding, one committed row at a time (a run may have hundreds of thousands), then a total
 * row whose cached value is the exact decimal sum of the impacts.
 */
export async function writeFindingsSheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): Promise<number> {
  const sheet = landscapeSheet(workbook, 'Findings', report);
  writeHeader(sheet, columns);
  const styles = columnStyles(columns);
  let rows = 0;
  let impactCents = 0n;
  let claims = 0;
  for await (const finding of report.findings()) {
    const row = sheet.addRow([
      finding.findingId,
      labelOf(finding.kind),
      finding.claimId,
      finding.guaranteeId,
      finding.channel,
      finding.drugType,
      finding.claimCount,
      Number(finding.impact),
      finding.detail,
      finding.evidence.map((e) => `${e.objectId} ${e.locator}`).join('; '),
    ]);
    applyColumnStyles(row, styles).commit();
    impactCents += toCents(finding.impact);
    claims += finding.claimCount;
    rows += 1;
    if (rows % drainEvery === 0) await drain(sheet);
  }
  const last = rows + 1;
  setAutoFilter(sheet, columns.length, last);
  if (rows > 0) {
    const total = sheet.addRow([]);
    total.getCell(1).value = 'Total';
    total.getCell(claimsColumn).value = {
      formula: `SUM(G2:G${last})`,
      result: claims,
    };
    total.getCell(impactColumn).value = totalCell(impactColumn, 2, last, fromCents(impactCents));
    styleTotalRow(total);
    total.commit();
  }
  sheet.commit();
  return rows;
}
