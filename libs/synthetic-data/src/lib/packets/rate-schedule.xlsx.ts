import ExcelJS from 'exceljs';
import { rateTableHeader, type PacketHeader, type RateRow } from './rate-schedule.rows';

/** Fixed document dates keep a workbook's metadata from varying run to run. */
const documentDate = new Date('2025-01-01T00:00:00Z');

/** A rate schedule workbook: header block, then the table from row 6 on a `Rates` sheet (`Rates!D7`…). */
export async function rateScheduleXlsx(header: PacketHeader, rows: readonly RateRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = header.period.pbmName;
  wb.created = documentDate;
  wb.modified = documentDate;
  const sheet = wb.addWorksheet('Rates');
  sheet.addRow([header.title]);
  sheet.addRow(['Document', header.document]);
  sheet.addRow(['Client', header.period.clientId]);
  sheet.addRow(['Contract period', header.period.periodId]);
  sheet.addRow(['Term', `${header.period.startDate} to ${header.period.endDate}`]);
  sheet.addRow([...rateTableHeader]);
  for (const row of rows) sheet.addRow([...row]);
  sheet.columns.forEach((c, i) => (c.width = [26, 14, 12, 16, 34][i] ?? 12));
  const notes = wb.addWorksheet('Notes');
  notes.addRow(['Rates are guaranteed in aggregate per contract year unless stated per claim.']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
