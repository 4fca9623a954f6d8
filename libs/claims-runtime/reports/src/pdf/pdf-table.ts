import type PDFDocument from 'pdfkit';
import { colours, contentBottom, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

export interface TableColumn {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
  readonly mono?: boolean;
}

export interface TableOptions {
  readonly fontSize?: number;
  /** Draw the last row bold above a rule: a total. */
  readonly totalRow?: boolean;
  /** Rows (by index) drawn bold above a rule, like a total: subtotals inside the table. */
  readonly subtotalRows?: ReadonlySet<number>;
  /** Size for `mono` columns (hashes), which need more width per character. Default fontSize - 1. */
  readonly monoFontSize?: number;
}

const padding = 4;

/** Shortens text with an ellipsis to fit `width` at the current font (pdfkit's own ellipsis needs a box height). */
export function fitText(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let end = text.length;
  while (end > 0 && doc.widthOfString(`${text.slice(0, end)}…`) > width)
    end -= 1;
  return `${text.slice(0, end)}…`;
}

function cell(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  column: TableColumn,
): void {
  const inner = column.width - 2 * padding;
  doc.text(fitText(doc, text, inner), x + padding, y, {
    width: inner,
    align: column.align ?? 'left',
    lineBreak: false,
  });
}

function drawHeader(
  doc: Doc,
  columns: readonly TableColumn[],
  x: number,
  y: number,
  size: number,
  height: number,
): void {
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  doc.rect(x, y, width, height).fill(colours.header);
  doc.font(fonts.bold).fontSize(size).fillColor('#FFFFFF');
  let cx = x;
  for (const column of columns) {
    cell(doc, column.header, cx, y + (height - size) / 2, column);
    cx += column.width;
  }
}

/**
 * Single-line rows with banding; a row that would cross the bottom margin starts a new page and
 * repeats the header. Returns the y below the table.
 */
export function drawTable(
  doc: Doc,
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  y: number,
  options: TableOptions = {},
): number {
  const size = options.fontSize ?? 8.5;
  const rowHeight = size + 7;
  const x = page.margin;
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  if (y + 2 * rowHeight > contentBottom) {
    doc.addPage();
    y = page.margin;
  }
  drawHeader(doc, columns, x, y, size, rowHeight);
  y += rowHeight;
  rows.forEach((row, index) => {
    const isTotal =
      (options.totalRow === true && index === rows.length - 1) ||
      options.subtotalRows?.has(index) === true;
    if (y + rowHeight > contentBottom) {
      doc.addPage();
      y = page.margin;
      drawHeader(doc, columns, x, y, size, rowHeight);
      y += rowHeight;
    }
    if (isTotal) {
      doc
        .moveTo(x, y)
        .lineTo(x + width, y)
        .lineWidth(0.8)
        .strokeColor(colours.ink)
        .stroke();
    } else if (index % 2 === 1) {
      doc.rect(x, y, width, rowHeight).fill(colours.band);
    }
    let cx = x;
    columns.forEach((column, c) => {
      doc
        .font(column.mono ? fonts.mono : isTotal ? fonts.bold : fonts.regular)
        .fontSize(column.mono ? (options.monoFontSize ?? size - 1) : size)
        .fillColor(colours.ink);
      cell(doc, row[c] ?? '', cx, y + (rowHeight - size) / 2, column);
      cx += column.width;
    });
    y += rowHeight;
  });
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(0.5)
    .strokeColor(colours.rule)
    .stroke();
  return y;
}
