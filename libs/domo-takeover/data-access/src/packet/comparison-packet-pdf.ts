import PDFDocument from 'pdfkit';
import type { DomoReasonCode } from '@leaf/contracts';
import type { Difference } from '@leaf/domo-takeover/domain';
import type { PacketInput } from './comparison-packet';

type Doc = InstanceType<typeof PDFDocument>;

// Letter with a printed report's margins and the built-in fonts (nothing subset, so the bytes are stable).
const page = { width: 612, height: 792, margin: 54 };
const width = page.width - 2 * page.margin;
const bottom = page.height - page.margin - 14;
const fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const;
const colours = { ink: '#1A1A1A', muted: '#5F6B7A', rule: '#C9D1DB', band: '#F2F5F9', header: '#1F4E79', alert: '#B42318' } as const;
const author = 'Leaf domo-takeover';
/** The largest differences listed; the workbook and the JSON hold every one. */
export const pdfDifferenceRows = 25;

const reasonLabels: Readonly<Record<DomoReasonCode, string>> = {
  unexplained: 'Unexplained',
  missing_in_domo: 'Missing in Domo',
  missing_in_backend: 'Missing in backend',
  definition_change: 'Definition change',
  timing: 'Timing',
  rounding: 'Rounding',
};
const reasonOrder: readonly DomoReasonCode[] = ['unexplained', 'missing_in_domo', 'missing_in_backend', 'definition_change', 'timing', 'rounding'];

const money = (n: number | null) =>
  n === null ? '-' : `${n < 0 ? '-' : ''}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => n.toLocaleString('en-US');

/**
 * The short PDF of a comparison packet, for the reviewer who signs it off: what was compared
 * (export hash, model, tolerances), the differences by reason code with their dollars, and the
 * largest material differences with the rule's note. Deterministic: the info dates are the
 * comparison's, pdfkit derives the document ID from the info dictionary, and only built-in fonts
 * are used, so the same comparison gives the same bytes.
 */
export async function comparisonPacketPdf(input: PacketInput): Promise<Buffer> {
  const created = new Date(input.createdAt);
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: page.margin,
    bufferPages: true,
    compress: true,
    lang: 'en-US',
    displayTitle: true,
    info: {
      Title: `Golden comparison ${input.comparisonId}: ${input.dataset}`,
      Author: author,
      Subject: input.comparisonId,
      Creator: author,
      Producer: author,
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let y = drawTitle(doc, input);
  y = drawReasons(doc, input, y + 16);
  drawDifferences(doc, input, y + 22);
  drawFooters(doc, input);
  doc.end();
  return done;
}

function drawTitle(doc: Doc, input: PacketInput): number {
  doc.font(fonts.bold).fontSize(18).fillColor(colours.header).text('Domo takeover: golden comparison', page.margin, page.margin, { width });
  doc.font(fonts.regular).fontSize(10).fillColor(colours.muted).text(`${input.dataset} against the curated model ${input.model}`, { width });
  const facts: Array<[string, string]> = [
    ['Comparison', input.comparisonId],
    ['Compared at', `${input.createdAt.slice(0, 19).replace('T', ' ')} UTC`],
    ['Domo export', input.exportId],
    ['Export sha256', input.exportSha256],
    ['Keys', `${input.spec.keyColumns.join(', ')}: ${count(input.summary.keysCompared)} compared, ${count(input.summary.keysMatched)} matched`],
    [
      'Tolerance',
      `absolute ${input.spec.absTolerance}, relative ${input.spec.relTolerance}; material from ${money(input.spec.materialityDollars)} per measure`,
    ],
  ];
  let y = doc.y + 12;
  for (const [label, value] of facts) {
    doc.font(fonts.bold).fontSize(9).fillColor(colours.ink).text(label, page.margin, y, { width: 92 });
    doc
      .font(label === 'Export sha256' ? fonts.mono : fonts.regular)
      .fontSize(label === 'Export sha256' ? 8 : 9)
      .text(value, page.margin + 96, y, { width: width - 96 });
    y = Math.max(doc.y, y + 12) + 2;
  }
  return y;
}

function drawReasons(doc: Doc, input: PacketInput, top: number): number {
  const { summary } = input;
  doc.font(fonts.bold).fontSize(12).fillColor(colours.header).text('Differences by reason', page.margin, top, { width });
  const headline =
    summary.differences === 0
      ? 'Domo and the backend agree on every key within tolerance.'
      : `${count(summary.differences)} differences, ${count(summary.material)} material; ${count(summary.byReason.unexplained.count)} unexplained.`;
  doc
    .font(fonts.regular)
    .fontSize(9)
    .fillColor(summary.byReason.unexplained.material > 0 ? colours.alert : colours.ink)
    .text(headline, { width });
  const columns = [
    { label: 'Reason', width: 190, align: 'left' as const },
    { label: 'Differences', width: 90, align: 'right' as const },
    { label: 'Material', width: 90, align: 'right' as const },
    { label: 'Absolute delta', width: width - 370, align: 'right' as const },
  ];
  const rows = reasonOrder.map((r) => [
    reasonLabels[r],
    count(summary.byReason[r].count),
    count(summary.byReason[r].material),
    money(summary.byReason[r].absDelta),
  ]);
  return drawTable(doc, columns, rows, doc.y + 8);
}

function drawDifferences(doc: Doc, input: PacketInput, top: number): void {
  const largest = [...input.differences]
    .sort((a, b) => Number(b.material) - Number(a.material) || Math.abs(b.delta) - Math.abs(a.delta) || keyText(a).localeCompare(keyText(b)))
    .slice(0, pdfDifferenceRows);
  let y = top;
  if (y > bottom - 80) {
    doc.addPage();
    y = page.margin;
  }
  doc.font(fonts.bold).fontSize(12).fillColor(colours.header).text('Largest differences', page.margin, y, { width });
  doc
    .font(fonts.regular)
    .fontSize(8)
    .fillColor(colours.muted)
    .text(
      largest.length === 0
        ? 'None.'
        : `The ${largest.length} largest of ${count(input.differences.length)}, material first; packet.xlsx and packet.json hold every difference.`,
      { width },
    );
  if (largest.length === 0) return;
  const columns = [
    { label: 'Key', width: 150, align: 'left' as const },
    { label: 'Measure', width: 78, align: 'left' as const },
    { label: 'Domo', width: 70, align: 'right' as const },
    { label: 'Backend', width: 70, align: 'right' as const },
    { label: 'Delta', width: 62, align: 'right' as const },
    { label: 'Reason', width: width - 430, align: 'left' as const },
  ];
  const counted = new Set(input.spec.measures.filter((m) => m.kind === 'count').map((m) => m.name));
  // Dollar measures as money, counts as counts.
  const value = (n: number | null, measure: string) => (n === null ? '-' : counted.has(measure) ? count(n) : money(n));
  const rows = largest.map((d) => [
    keyText(d),
    d.measure,
    value(d.domo, d.measure),
    value(d.backend, d.measure),
    value(d.delta, d.measure),
    reasonLabels[d.reason],
  ]);
  drawTable(doc, columns, rows, doc.y + 6, 7.5);
}

const keyText = (d: Difference) => Object.values(d.key).join(' / ');

function drawTable(
  doc: Doc,
  columns: ReadonlyArray<{ label: string; width: number; align: 'left' | 'right' }>,
  rows: readonly string[][],
  top: number,
  size = 9,
): number {
  const rowHeight = size + 7;
  const header = (y: number) => {
    doc.rect(page.margin, y, width, rowHeight).fill(colours.header);
    let x = page.margin;
    for (const c of columns) {
      doc
        .font(fonts.bold)
        .fontSize(size)
        .fillColor('#FFFFFF')
        .text(c.label, x + 4, y + 4, { width: c.width - 8, align: c.align, lineBreak: false });
      x += c.width;
    }
    return y + rowHeight;
  };
  let y = header(top);
  rows.forEach((row, index) => {
    if (y + rowHeight > bottom) {
      doc.addPage();
      y = header(page.margin);
    }
    if (index % 2 === 1) doc.rect(page.margin, y, width, rowHeight).fill(colours.band);
    let x = page.margin;
    row.forEach((cell, i) => {
      const c = columns[i];
      if (!c) return;
      doc
        .font(fonts.regular)
        .fontSize(size)
        .fillColor(colours.ink)
        .text(cell, x + 4, y + 3.5, { width: c.width - 8, align: c.align, lineBreak: false, ellipsis: true });
      x += c.width;
    });
    y += rowHeight;
  });
  doc
    .moveTo(page.margin, y)
    .lineTo(page.margin + width, y)
    .lineWidth(0.5)
    .strokeColor(colours.rule)
    .stroke();
  return y;
}

function drawFooters(doc: Doc, input: PacketInput): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Text below the bottom margin would make pdfkit open a new page; the footer lives there.
    doc.page.margins.bottom = 0;
    const y = page.height - 36;
    doc
      .moveTo(page.margin, y - 6)
      .lineTo(page.width - page.margin, y - 6)
      .lineWidth(0.4)
      .strokeColor(colours.rule)
      .stroke();
    doc
      .font(fonts.regular)
      .fontSize(7)
      .fillColor(colours.muted)
      .text(`Leaf  ·  Domo takeover  ·  ${input.comparisonId}`, page.margin, y, { width: width - 64, lineBreak: false });
    doc.text(`Page ${index - range.start + 1} of ${range.count}`, page.width - page.margin - 64, y, { width: 64, align: 'right', lineBreak: false });
  }
}
