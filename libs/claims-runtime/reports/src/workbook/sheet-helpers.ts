import type { PaperSize, Row, stream, Style, Worksheet } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { headerAlignment, headerFill, headerFont, totalFont } from './finance-formats';

export interface SheetColumn {
  readonly header: string;
  readonly width: number;
  readonly numFmt?: string;
}

/** Frozen first row, so the headers stay visible while a reader scrolls a long sheet. */
export const frozenHeaderView = [
  {
    state: 'frozen' as const,
    xSplit: 0,
    ySplit: 1,
    topLeftCell: 'A2',
    activeCell: 'A2',
  },
];

/**
 * Printing: Letter, landscape, every column on one page wide and as many pages tall as the rows
 * need, the header row repeated on each page is left to the reader's viewer (the frozen row);
 * each page's footer names the client, the period and the report reference.
 */
export function landscapeSheet(
  workbook: stream.xlsx.WorkbookWriter,
  name: string,
  report: Pick<ReconciliationReport, 'clientName' | 'periodId' | 'runId'>,
): Worksheet {
  // Excel header/footer codes start with '&': a literal one in a name is doubled.
  const footerText = (text: string) => text.replaceAll('&', '&&');
  return workbook.addWorksheet(name, {
    views: frozenHeaderView,
    pageSetup: {
      // Letter (exceljs's PaperSize is a const enum, which isolated modules cannot read).
      paperSize: 1 as PaperSize,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: {
        left: 0.4,
        right: 0.4,
        top: 0.5,
        bottom: 0.6,
        header: 0.3,
        footer: 0.3,
      },
    },
    headerFooter: {
      differentFirst: false,
      differentOddEven: false,
      oddFooter: `&L${footerText(`${report.clientName} · ${report.periodId} · ${report.runId}`)}&R${footerText(name)}, page &P of &N`,
    },
  });
}

/** Sets the column widths and formats and writes the bold header row (row 1), committed. */
export function writeHeader(sheet: Worksheet, columns: readonly SheetColumn[]): void {
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}),
  }));
  const header = sheet.getRow(1);
  header.height = 30;
  header.eachCell((cell) => {
    cell.font = headerFont;
    cell.fill = headerFill;
    cell.alignment = headerAlignment;
  });
  header.commit();
}

/** Column letter for a 1-based index (1 → A, 27 → AA). */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Filter over the header and data rows (a total row below stays out of the sort). */
export function setAutoFilter(sheet: Worksheet, columnCount: number, lastDataRow: number): void {
  sheet.autoFilter = `A1:${columnLetter(columnCount)}${Math.max(lastDataRow, 1)}`;
}

/**
 * A total cell as a SUM formula whose cached result is the exact decimal total, so Excel shows
 * the cent-exact figure before and after it recalculates.
 */
export function totalCell(column: number, firstRow: number, lastRow: number, exact: string): { formula: string; result: number } {
  const letter = columnLetter(column);
  return {
    formula: `SUM(${letter}${firstRow}:${letter}${lastRow})`,
    result: Number(exact),
  };
}

export function styleTotalRow(row: Row): void {
  row.font = totalFont;
  row.border = { top: { style: 'thin' }, bottom: { style: 'double' } };
}

/**
 * One style object per column, shared by every row of a long sheet. exceljs gives each new cell
 * its own style object and then serialises it to look its id up, per cell; with a shared object
 * its style registry answers from a WeakMap instead. That is most of the cost of a styled row.
 */
export function columnStyles(columns: readonly SheetColumn[]): readonly Partial<Style>[] {
  return columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
}

export function applyColumnStyles(row: Row, styles: readonly Partial<Style>[]): Row {
  styles.forEach((style, index) => {
    row.getCell(index + 1).style = style;
  });
  return row;
}
