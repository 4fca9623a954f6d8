import type { stream } from 'exceljs';
import { fromCents, toCents } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { countFormat, currencyFormat } from './finance-formats';
import { applyColumnStyles, columnStyles, frozenHeaderView, setAutoFilter, styleTotalRow, totalCell, writeHeader, type SheetColumn } from './sheet-helpers';

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
/** Let archiver compress what has been written so far instead of buffering the whole sheet. */
const drainEvery = 2_000;
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every finding, one committed row at a time (a run may have hundreds of thousands), then a total
 * row whose cached value is the exact decimal sum of the impacts.
 */
export async function writeFindingsSheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): Promise<number> {
  const sheet = workbook.addWorksheet('Findings', { views: frozenHeaderView });
  writeHeader(sheet, columns);
  const styles = columnStyles(columns);
  let rows = 0;
  let impactCents = 0n;
  let claims = 0;
  for await (const finding of report.findings()) {
    const row = sheet.addRow([
      finding.findingId,
      finding.kind,
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
    if (rows % drainEvery === 0) await drain();
  }
  const last = rows + 1;
  setAutoFilter(sheet, columns.length, last);
  if (rows > 0) {
    const total = sheet.addRow([]);
    total.getCell(1).value = 'Total';
    total.getCell(claimsColumn).value = { formula: `SUM(G2:G${last})`, result: claims };
    total.getCell(impactColumn).value = totalCell(impactColumn, 2, last, fromCents(impactCents));
    styleTotalRow(total);
    total.commit();
  }
  sheet.commit();
  return rows;
}
