import type PDFDocument from 'pdfkit';
import { colours, contentBottom, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

export interface TableColumn {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
  readonly mono?: boolean;
  /**
   * Prose (a detail, a note): wraps onto as many lines as it needs. Other cells — amounts, ids,
   * hashes — stay on one line and get a smaller type when they are too wide; they are never cut.
   */
  readonly wrap?: boolean;
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
/** The smallest type a one-line cell shrinks to before it wraps instead (still never cut). */
const minimumSize = 5;

interface CellLayout {
  readonly font: string;
  readonly size: number;
  /** Wrapped onto several lines (prose, or a one-line cell too wide even at the minimum size). */
  readonly wraps: boolean;
  readonly height: number;
}

/** The size at which `text` fits `width` on one line in `font`, down to `minimumSize`; null when it never does. */
export function sizeToFit(doc: Doc, text: string, font: string, size: number, width: number, smallest = minimumSize): number | null {
  for (let s = size; s >= smallest; s -= 0.25) if (doc.font(font).fontSize(s).widthOfString(text) <= width) return s;
  return null;
}

function layoutCell(doc: Doc, text: string, column: TableColumn, font: string, size: number): CellLayout {
  const inner = column.width - 2 * padding;
  if (!column.wrap) {
    const fits = sizeToFit(doc, text, font, size, inner);
    if (fits !== null) return { font, size: fits, wraps: false, height: fits };
  }
  const wrapSize = column.wrap ? size : minimumSize;
  doc.font(font).fontSize(wrapSize);
  const options = { width: inner, lineGap: 0.5 };
  const line = doc.heightOfString('X', options);
  const lines = Math.max(1, Math.round(doc.heightOfString(text || ' ', options) / line));
  // A row is as tall as its type on one line, plus a line's height for each further line.
  return {
    font,
    size: wrapSize,
    wraps: true,
    height: wrapSize + (lines - 1) * line,
  };
}

function drawCell(doc: Doc, text: string, x: number, y: number, column: TableColumn, layout: CellLayout): void {
  const inner = column.width - 2 * padding;
  doc.font(layout.font).fontSize(layout.size);
  if (layout.wraps)
    doc.text(text, x + padding, y, {
      width: inner,
      align: column.align ?? 'left',
      lineGap: 0.5,
    });
  else
    doc.text(text, x + padding, y, {
      width: inner,
      align: column.align ?? 'left',
      lineBreak: false,
    });
}

function layoutRow(
  doc: Doc,
  columns: readonly TableColumn[],
  row: readonly string[],
  fontOf: (column: TableColumn) => string,
  sizeOf: (column: TableColumn) => number,
  base: number,
): { layouts: CellLayout[]; height: number } {
  const layouts = columns.map((column, c) => layoutCell(doc, row[c] ?? '', column, fontOf(column), sizeOf(column)));
  const tallest = Math.max(base, ...layouts.map((l) => l.height));
  return { layouts, height: tallest + 7 };
}

function drawHeader(doc: Doc, columns: readonly TableColumn[], x: number, y: number, size: number): number {
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  const headers = columns.map((c) => ({ ...c, wrap: true }));
  const { layouts, height } = layoutRow(
    doc,
    headers,
    columns.map((c) => c.header),
    () => fonts.bold,
    () => size,
    size,
  );
  doc.rect(x, y, width, height).fill(colours.header);
  doc.fillColor('#FFFFFF');
  let cx = x;
  headers.forEach((column, c) => {
    const layout = layouts[c] as CellLayout;
    drawCell(doc, column.header, cx, y + 3.5, column, layout);
    cx += column.width;
  });
  return y + height;
}

/**
 * Rows with banding, as tall as their tallest cell: prose wraps, amounts and ids shrink to fit,
 * nothing is cut short with an ellipsis. A row that would cross the bottom margin starts a new
 * page and repeats the header. Returns the y below the table.
 */
export function drawTable(doc: Doc, columns: readonly TableColumn[], rows: readonly (readonly string[])[], y: number, options: TableOptions = {}): number {
  const size = options.fontSize ?? 8.5;
  const x = page.margin;
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  if (y + 2 * (size + 7) > contentBottom) {
    doc.addPage();
    y = page.margin;
  }
  y = drawHeader(doc, columns, x, y, size);
  rows.forEach((row, index) => {
    const isTotal = (options.totalRow === true && index === rows.length - 1) || options.subtotalRows?.has(index) === true;
    const { layouts, height } = layoutRow(
      doc,
      columns,
      row,
      (column) => (column.mono ? fonts.mono : isTotal ? fonts.bold : fonts.regular),
      (column) => (column.mono ? (options.monoFontSize ?? size - 1) : size),
      size,
    );
    if (y + height > contentBottom) {
      doc.addPage();
      y = drawHeader(doc, columns, x, page.margin, size);
    }
    if (isTotal) {
      doc
        .moveTo(x, y)
        .lineTo(x + width, y)
        .lineWidth(0.8)
        .strokeColor(colours.ink)
        .stroke();
    } else if (index % 2 === 1) {
      doc.rect(x, y, width, height).fill(colours.band);
    }
    doc.fillColor(colours.ink);
    let cx = x;
    columns.forEach((column, c) => {
      const layout = layouts[c] as CellLayout;
      // One-line cells sit centred on the first line; wrapped ones start at the top.
      const top = y + 3.5 + (layout.wraps ? 0 : (size - layout.size) / 2);
      drawCell(doc, row[c] ?? '', cx, top, column, layout);
      cx += column.width;
    });
    y += height;
  });
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(0.5)
    .strokeColor(colours.rule)
    .stroke();
  return y;
}
