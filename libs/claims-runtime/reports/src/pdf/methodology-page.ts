import type PDFDocument from 'pdfkit';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { methodologySections } from '../methodology';
import { colours, contentBottom, contentWidth, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * A page of its own saying how every figure was made (the same sections as the workbook's
 * Methodology sheet). A section that would not fit continues on the next page.
 */
export function drawMethodologyPage(doc: Doc, report: ReconciliationReport): void {
  doc.addPage();
  doc.font(fonts.bold).fontSize(14).fillColor(colours.ink).text('Methodology', page.margin, page.margin, { lineBreak: false });
  let y = page.margin + 24;
  for (const section of methodologySections(report)) {
    if (y + 40 > contentBottom) {
      doc.addPage();
      y = page.margin;
    }
    doc.font(fonts.bold).fontSize(10).fillColor(colours.header).text(section.title, page.margin, y, { lineBreak: false });
    y += 15;
    doc.font(fonts.regular).fontSize(8.5).fillColor(colours.ink);
    for (const paragraph of section.paragraphs) {
      const height = doc.heightOfString(paragraph, {
        width: contentWidth,
        lineGap: 1.5,
      });
      if (y + height > contentBottom) {
        doc.addPage();
        y = page.margin;
      }
      doc.text(paragraph, page.margin, y, {
        width: contentWidth,
        lineGap: 1.5,
      });
      y = doc.y + 5;
    }
    y += 7;
  }
}
