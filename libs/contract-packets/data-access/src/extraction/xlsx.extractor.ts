import ExcelJS from 'exceljs';
import type { ExtractedDocument, ExtractedLine, ExtractedUnit } from '@leaf/contract-packets/domain';
import { ExtractionError } from './extraction.error';

/** OOXML files are ZIPs; an encrypted one is wrapped in an OLE compound file instead. */
const oleMagic = [0xd0, 0xcf, 0x11, 0xe0];
export const isOleContainer = (bytes: Uint8Array) => oleMagic.every((b, i) => bytes[i] === b);

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  // A percentage stored as a number keeps the meaning its format gives it (0.1825 shown as 18.25%).
  if (typeof v === 'number' && cell.numFmt?.includes('%')) return `${Number((v * 100).toFixed(4))}%`;
  return cell.text ?? '';
}

/** Every sheet's rows as lines whose cells cite `Sheet!C7`. */
export async function extractXlsx(bytes: Uint8Array): Promise<ExtractedDocument> {
  if (isOleContainer(bytes)) throw new ExtractionError('encrypted', 'the workbook is encrypted (or a legacy binary workbook)');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw new ExtractionError('unreadable', 'the workbook cannot be read', { cause: e });
  }
  const units: ExtractedUnit[] = workbook.worksheets.map((sheet) => {
    const lines: ExtractedLine[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: ExtractedLine['cells'][number][] = [];
      row.eachCell({ includeEmpty: false }, (cell) => {
        cells.push({ locator: `${sheet.name}!${cell.address}`, text: cellText(cell).trim() });
      });
      lines.push({ locator: `${sheet.name}!A${rowNumber}`, cells });
    });
    return { kind: 'sheet', locator: sheet.name, lines };
  });
  return { format: 'xlsx', units };
}
