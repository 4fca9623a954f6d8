import PDFDocument from 'pdfkit';
import { rateTableHeader, type PacketHeader, type RateRow } from './rate-schedule.rows';

const columns = [50, 175, 265, 345, 430];
const documentDate = new Date('2025-01-01T00:00:00Z');

async function render(draw: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 50, info: { CreationDate: documentDate, ModDate: documentDate }, ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A rate schedule (or amendment) as a PBM sends it: a cover page with the header facts, the
 * rate table on page 2 laid out in columns, each row a line of separate text runs.
 */
export function rateSchedulePdf(header: PacketHeader, rows: readonly RateRow[], options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return render((doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text(header.title, 50, 60);
    doc.font('Helvetica').fontSize(11);
    const facts: [string, string][] = [
      ['Document:', header.document],
      ['Client:', header.period.clientId],
      ['Contract period:', header.period.periodId],
      ['PBM:', header.period.pbmName],
      ['Term:', `${header.period.startDate} to ${header.period.endDate}`],
    ];
    facts.forEach(([k, v], i) => {
      doc.text(k, 50, 110 + i * 20, { lineBreak: false });
      doc.text(v, 175, 110 + i * 20, { lineBreak: false });
    });
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(9);
    rateTableHeader.forEach((t, i) => doc.text(t, columns[i], 60, { lineBreak: false }));
    doc.font('Helvetica');
    rows.forEach((row, r) => row.forEach((t, i) => t && doc.text(t, columns[i], 80 + r * 16, { lineBreak: false })));
    doc.text('Signed for the PBM and the plan sponsor.', 50, 100 + rows.length * 16, { lineBreak: false });
  }, options);
}
