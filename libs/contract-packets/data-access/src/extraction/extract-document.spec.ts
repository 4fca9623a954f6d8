import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import PDFDocument from 'pdfkit';
import { parseRateTable } from '@leaf/contract-packets/domain';
import { extractDocument } from './extract-document';
import { isExtractionError } from './extraction.error';

async function pdf(draw: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => doc.on('end', resolve));
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

const ratePdf = (options: PDFKit.PDFDocumentOptions = {}) =>
  pdf((doc) => {
    doc.fontSize(11).text('Client:', 50, 100, { lineBreak: false }).text('acme', 175, 100, { lineBreak: false });
    doc.text('Contract period:', 50, 120, { lineBreak: false }).text('acme-py2025', 175, 120, { lineBreak: false });
    doc.addPage().fontSize(9);
    ['Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions'].forEach((t, i) => doc.text(t, [50, 175, 265, 345, 430][i], 60, { lineBreak: false }));
    ['Rebate per brand claim', 'Mail order', 'Brand', '$5.50', 'Compounds; 340B'].forEach((t, i) =>
      doc.text(t, [50, 175, 265, 345, 430][i], 80, { lineBreak: false }),
    );
  }, options);

async function docx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const body = paragraphs
    .map(
      (p) =>
        `<w:p><w:r>${p
          .split('\t')
          .map((t, i) => `${i ? '<w:tab/>' : ''}<w:t xml:space="preserve">${t.replace(/&/g, '&amp;')}</w:t>`)
          .join('')}</w:r></w:p>`,
    )
    .join('');
  zip.file(
    'word/document.xml',
    `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('extractDocument', () => {
  it('cites workbook cells as Sheet!C7, percentages formatted as percent stay percentages', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Rates');
    sheet.addRow(['Client', 'acme']);
    sheet.addRow(['Contract period', 'acme-py2025']);
    sheet.addRow(['Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions']);
    sheet.addRow(['AWP discount', 'Retail 30', 'Brand', 0.1825, 'U&C priced; Compounds; 340B']);
    sheet.getCell('D4').numFmt = '0.00%';
    const doc = await extractDocument('xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(doc.units[0].lines[3].cells.map((c) => [c.locator, c.text])).toEqual([
      ['Rates!A4', 'AWP discount'],
      ['Rates!B4', 'Retail 30'],
      ['Rates!C4', 'Brand'],
      ['Rates!D4', '18.25%'],
      ['Rates!E4', 'U&C priced; Compounds; 340B'],
    ]);
    expect(parseRateTable(doc).terms).toEqual([expect.objectContaining({ value: '0.1825', locator: 'Rates!D4' })]);
  });

  it('reads PDF pages into lines of column cells cited by page', async () => {
    const doc = await extractDocument('pdf', await ratePdf());
    expect(doc.units.map((u) => u.locator)).toEqual(['p1', 'p2']);
    expect(doc.units[1].lines[1].cells.map((c) => c.text)).toEqual(['Rebate per brand claim', 'Mail order', 'Brand', '$5.50', 'Compounds; 340B']);
    const parsed = parseRateTable(doc);
    expect(parsed).toMatchObject({ clientId: 'acme', periodId: 'acme-py2025' });
    expect(parsed.terms).toEqual([expect.objectContaining({ metric: 'rebate_per_brand_claim', channel: 'mail', value: '5.50', locator: 'p2' })]);
  });

  it('reads DOCX paragraphs cited para<N>, tab-separated rows as cells', async () => {
    const doc = await extractDocument(
      'docx',
      await docx([
        'Client: acme',
        'Contract period: acme-py2025',
        'Metric\tChannel\tDrug type\tGuarantee\tExclusions',
        'Dispensing fee\tRetail 90\tAll\t$1.25\tU&C priced',
      ]),
    );
    expect(parseRateTable(doc).terms).toEqual([expect.objectContaining({ metric: 'dispensing_fee', channel: 'retail90', value: '1.25', locator: 'para4' })]);
  });

  it.each([
    ['an encrypted PDF', 'pdf' as const, () => ratePdf({ userPassword: 'secret', ownerPassword: 'owner' }), 'encrypted'],
    ['a corrupt PDF', 'pdf' as const, async () => Buffer.concat([Buffer.from('%PDF-1.7\n'), (await ratePdf()).subarray(400, 900)]), 'unreadable'],
    ['an encrypted (OLE-wrapped) workbook', 'xlsx' as const, async () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), 'encrypted'],
    ['a workbook that is not a zip', 'xlsx' as const, async () => Buffer.from('not a workbook'), 'unreadable'],
    ['a document that is not a zip', 'docx' as const, async () => Buffer.from('not a document'), 'unreadable'],
  ])('fails %s with a typed error', async (_what, format, bytes, code) => {
    const error = await extractDocument(format, await bytes()).catch((e: unknown) => e);
    expect(isExtractionError(error, code as 'encrypted')).toBe(true);
  });
});
