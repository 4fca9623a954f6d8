import PDFDocument from 'pdfkit';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { reportAuthor, reportDate } from '../report-date';
import { drawBucketGroups, drawFindingOverlap, drawNotGuaranteed } from './bucket-tables';
import { discountChartBox, drawDiscountChart } from './discount-chart';
import { drawMethodologyPage } from './methodology-page';
import { sizeToFit } from './pdf-table';
import { colours, fonts, page } from './pdf-style';
import { drawEvidenceAppendix, drawOwedTable, drawSummary, drawTitleBlock, drawTopFindings } from './report-sections';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * The client-facing PDF: title block, summary, discount chart, buckets, findings, the methodology
 * and the evidence appendix. Deterministic: the info dates come from the report (pdfkit derives the document ID
 * from the info dictionary) and only the built-in fonts are used, so nothing is subset at random.
 */
export async function renderReconciliationPdf(report: ReconciliationReport): Promise<Buffer> {
  const date = reportDate(report);
  const doc = new PDFDocument({
    size: page.size,
    margin: page.margin,
    bufferPages: true,
    compress: true,
    lang: 'en-US',
    displayTitle: true,
    info: {
      Title: `Guarantee reconciliation: ${report.clientName} ${report.periodId}`,
      Author: reportAuthor,
      Subject: report.runId,
      Creator: reportAuthor,
      Producer: reportAuthor,
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const summaryTop = drawTitleBlock(doc, report);
  const summaryEnd = drawSummary(doc, report, summaryTop);
  // The chart keeps its place under a usual title block; a long client name pushes it down.
  const chartEnd = drawDiscountChart(doc, report.buckets, Math.max(discountChartBox.y, summaryEnd + 20));
  drawOwedTable(doc, report, chartEnd + 12);

  doc.addPage();
  const y = drawFindingOverlap(doc, report, drawNotGuaranteed(doc, report, drawBucketGroups(doc, report, page.margin)));
  drawTopFindings(doc, report, y + 22);
  drawMethodologyPage(doc, report);
  drawEvidenceAppendix(doc, report);
  drawFooters(doc, report);
  doc.end();
  return done;
}

function drawFooters(doc: Doc, report: ReconciliationReport): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Text below the bottom margin would make pdfkit open a new page; the footer lives there.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 36;
    doc
      .moveTo(page.margin, y - 6)
      .lineTo(page.width - page.margin, y - 6)
      .lineWidth(0.4)
      .strokeColor(colours.rule)
      .stroke();
    // One line left of the page number: a long client name gets smaller type, and one too long
    // even then is left to the title block (where it wraps) rather than cut.
    const room = page.width - 2 * page.margin - 64;
    const named = `Leaf  ·  ${report.clientName}  ·  ${report.periodId}  ·  ${report.runId}`;
    const namedSize = sizeToFit(doc, named, fonts.regular, 7, room, 5);
    const footer = namedSize === null ? `Leaf  ·  ${report.periodId}  ·  ${report.runId}` : named;
    doc
      .font(fonts.regular)
      .fontSize(namedSize ?? 7)
      .fillColor(colours.muted);
    doc.text(footer, page.margin, y, { lineBreak: false });
    doc.fontSize(7);
    doc.text(`Page ${index - range.start + 1} of ${range.count}`, page.margin, y, { width: page.width - 2 * page.margin, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
