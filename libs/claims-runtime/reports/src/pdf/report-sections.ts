import type PDFDocument from 'pdfkit';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { labelOf } from '../labels';
import { categoryLabels, owedLines } from '../owed-lines';
import { formatCount, formatMoney } from './display-format';
import { drawTable } from './pdf-table';
import { describeWatermark } from '../source-watermark';
import { colours, contentBottom, contentWidth, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

function heading(doc: Doc, text: string, y: number): number {
  doc.font(fonts.bold).fontSize(11).fillColor(colours.ink).text(text, page.margin, y, { lineBreak: false });
  return y + 18;
}

/**
 * Who, what period, from which inputs and code: enough to find and replay the run. Names and the
 * watermark come from the data: a long one wraps onto another line, it is never cut short.
 */
export function drawTitleBlock(doc: Doc, report: ReconciliationReport): number {
  const x = page.margin;
  const line = (text: string, y: number, gap: number) => {
    doc.text(text, x, y, { width: contentWidth });
    return doc.y + gap;
  };
  doc.font(fonts.bold).fontSize(20).fillColor(colours.ink);
  doc.text('Guarantee reconciliation', x, page.margin, { lineBreak: false });
  doc.font(fonts.bold).fontSize(14).fillColor(colours.header);
  let y = line(report.clientName, 82, 4);
  doc.font(fonts.regular).fontSize(9).fillColor(colours.muted);
  y = line(`PBM ${report.pbmName}  ·  Contract period ${report.periodId} (${report.periodStart} to ${report.periodEnd})`, y, 2.6);
  y = line(`Report reference ${report.runId}  ·  Client ${report.clientId}  ·  Code ${report.codeVersion}`, y, 2.6);
  y = line(`Claims source: ${describeWatermark(report.asOf)}`, y, 2.6);
  doc.text('Inputs sha256', x, y, { lineBreak: false });
  doc
    .font(fonts.mono)
    .fontSize(7.5)
    .text(report.inputsSha256, x + 62, y + 1, { lineBreak: false });
  y += 17;
  doc
    .moveTo(x, y)
    .lineTo(x + contentWidth, y)
    .lineWidth(0.6)
    .strokeColor(colours.rule)
    .stroke();
  return y + 12;
}

/** The claims the run measured as a table, with what is owed called out beside it. */
export function drawSummary(doc: Doc, report: ReconciliationReport, y: number): number {
  const { summary } = report;
  const top = heading(doc, 'Summary', y);
  const eligible = (money: string | null) => (money === null ? 'not recorded' : formatMoney(money));
  const end = drawTable(
    doc,
    [
      {
        header: 'Claims measured (net: no reversals, none reversed)',
        width: 230,
      },
      { header: 'Value', width: 80, align: 'right' },
    ],
    [
      ['Net claims', formatCount(summary.claimCount)],
      ['Eligible claims', formatCount(summary.eligibleClaimCount)],
      ['Excluded claims', formatCount(summary.excludedClaimCount)],
      ['AWP, all claims', formatMoney(summary.totalAwp)],
      ['AWP, eligible claims', eligible(summary.eligibleAwp)],
      ['Ingredient cost paid, all claims', formatMoney(summary.totalIngredientCostPaid)],
      ['Ingredient cost paid, eligible claims', eligible(summary.eligibleIngredientCostPaid)],
    ],
    top,
    { fontSize: 9 },
  );

  const boxX = page.margin + 330;
  const boxWidth = contentWidth - 330;
  doc.rect(boxX, top, boxWidth, end - top).fill(colours.band);
  doc.rect(boxX, top, 4, end - top).fill(colours.owed);
  doc
    .font(fonts.regular)
    .fontSize(9)
    .fillColor(colours.muted)
    .text('Total owed to the client', boxX + 16, top + 12, {
      lineBreak: false,
    });
  const owed = formatMoney(summary.totalOwed);
  let size = 20;
  while (size > 10 && doc.font(fonts.bold).fontSize(size).widthOfString(owed) > boxWidth - 28) size -= 1;
  doc
    .font(fonts.bold)
    .fontSize(size)
    .fillColor(colours.owed)
    .text(owed, boxX + 16, top + 28 + (20 - size) / 2, { lineBreak: false });
  doc.font(fonts.regular).fontSize(8.5).fillColor(colours.ink);
  doc.text(`${categoryLabels.guarantee}  ${formatMoney(summary.guaranteeShortfall)}`, boxX + 16, top + 60, { lineBreak: false });
  doc.text(`${categoryLabels.audit}  ${formatMoney(summary.auditImpact)}`, boxX + 16, top + 74, { lineBreak: false });
  doc.font(fonts.regular).fontSize(7.5).fillColor(colours.muted);
  doc.text('Every figure is computed from the claims source and the contract terms cited in the appendix.', boxX + 16, top + 92, { width: boxWidth - 28 });
  return end;
}

/**
 * What is owed, by finding kind within its category, each category's subtotal, and the total:
 * the same lines, labels and figures as the workbook's Summary sheet.
 */
export function drawOwedTable(doc: Doc, report: ReconciliationReport, y: number): number {
  const top = heading(doc, 'What is owed', y);
  const lines = owedLines(report);
  return drawTable(
    doc,
    [
      { header: 'Finding kind', width: 230 },
      { header: 'Category', width: 110 },
      { header: 'Findings', width: 64, align: 'right' },
      { header: 'Impact', width: 100, align: 'right' },
    ],
    lines.map((l) => [
      l.label,
      l.role === 'kind' && l.category ? categoryLabels[l.category] : '',
      l.count === null ? '' : formatCount(l.count),
      formatMoney(l.impact),
    ]),
    top,
    {
      fontSize: 8,
      totalRow: true,
      subtotalRows: new Set(lines.flatMap((l, i) => (l.role === 'subtotal' ? [i] : []))),
    },
  );
}

export function drawTopFindings(doc: Doc, report: ReconciliationReport, y: number): number {
  const top = heading(doc, `Largest findings (${report.topFindings.length}; the workbook lists every finding)`, y);
  return drawTable(
    doc,
    [
      { header: 'Finding', width: 140 },
      { header: 'Kind', width: 92, wrap: true },
      { header: 'Bucket', width: 62, wrap: true },
      { header: 'Impact', width: 66, align: 'right' },
      { header: 'Detail', width: 144, wrap: true },
    ],
    report.topFindings.map((f) => [
      f.claimId ?? f.guaranteeId ?? f.findingId,
      labelOf(f.kind),
      `${f.channel ?? 'all'} ${f.drugType ?? ''}`.trim(),
      formatMoney(f.impact),
      f.detail,
    ]),
    top,
    { fontSize: 8 },
  );
}

/** Every stored input by hash and reference, then the contract term behind each bucket. */
export function drawEvidenceAppendix(doc: Doc, report: ReconciliationReport): void {
  doc.addPage();
  let y = heading(doc, 'Appendix: evidence', page.margin);
  doc.font(fonts.regular).fontSize(8.5).fillColor(colours.muted);
  doc.text('Each input and output is stored content-addressed: its sha256 identifies the exact bytes the figures were computed from.', page.margin, y, {
    width: contentWidth,
  });
  y = doc.y + 10;
  for (const item of report.evidence) {
    if (y + 40 > contentBottom) {
      doc.addPage();
      y = page.margin;
    }
    doc.font(fonts.bold).fontSize(9).fillColor(colours.ink).text(item.name, page.margin, y, { width: contentWidth });
    const hashY = doc.y + 1;
    doc
      .font(fonts.mono)
      .fontSize(7.5)
      .fillColor(colours.ink)
      .text(`sha256 ${item.sha256 || 'not recorded'}`, page.margin + 10, hashY, { lineBreak: false });
    doc
      .font(fonts.regular)
      .fontSize(8)
      .fillColor(colours.muted)
      .text(item.reference, page.margin + 10, hashY + 11, {
        width: contentWidth - 10,
      });
    y = doc.y + 8;
  }
  y = heading(doc, 'Contract terms', y + 6);
  const sources = [...new Set(report.buckets.map((b) => b.evidence.sourceSystem))].join(', ');
  doc
    .font(fonts.regular)
    .fontSize(8.5)
    .fillColor(colours.muted)
    .text(`The term behind each bucket, where it was read (source: ${sources || 'none'}).`, page.margin, y - 2, { width: contentWidth });
  y = doc.y + 6;
  drawTable(
    doc,
    [
      { header: 'Guarantee', width: 176 },
      { header: 'Object', width: 62 },
      { header: 'Locator', width: 48 },
      { header: 'sha256', width: 218, mono: true },
    ],
    report.buckets.map((b) => [`${b.guaranteeId} v${b.guaranteeVersion}`, b.evidence.objectId, b.evidence.locator, b.evidence.sha256 ?? 'n/a']),
    y,
    { fontSize: 7.5, monoFontSize: 6.3 },
  );
}
