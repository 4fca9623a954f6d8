import type { ExtractedCell, ExtractedDocument, ExtractedLine, ExtractedUnit } from '@leaf/contract-packets/domain';
import { ExtractionError } from './extraction.error';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type TextItem = Pick<import('pdfjs-dist/types/src/display/api').TextItem, 'str' | 'transform' | 'width'>;

/**
 * pdfjs-dist is ESM-only. Node 24 `require()`s ESM natively; taking `createRequire` from
 * `process.getBuiltinModule` gets Node's own loader even under Jest (whose CommonJS registry, and
 * its patched `node:module`, cannot load `.mjs`), so this one native require serves the service,
 * the bench and the specs alike.
 */
let pdfjs: PdfJs | undefined;
function loadPdfJs(): PdfJs {
  if (pdfjs) return pdfjs;
  const { createRequire } = process.getBuiltinModule('module');
  const spec = 'pdfjs-dist/legacy/build/pdf.mjs';
  try {
    pdfjs = createRequire(__filename)(spec) as PdfJs;
  } catch {
    // A bundled build has no real __filename: resolve from the working directory's node_modules.
    pdfjs = createRequire(`${process.cwd()}/package.json`)(spec) as PdfJs;
  }
  return pdfjs;
}

/** Text runs further apart than this (PDF units) are separate cells of a table row. */
const cellGap = 12;

function linesOf(items: TextItem[], locator: string): ExtractedLine[] {
  const rows = new Map<number, TextItem[]>();
  for (const item of items) {
    if (!item.str.trim()) continue;
    const y = Math.round(item.transform[5]);
    const row = rows.get(y) ?? [];
    row.push(item);
    rows.set(y, row);
  }
  // Top of the page first (PDF y grows upwards), then left to right.
  return [...rows.entries()]
    .sort(([a], [b]) => b - a)
    .map(([, row]) => {
      row.sort((a, b) => a.transform[4] - b.transform[4]);
      const cells: ExtractedCell[] = [];
      let text = '';
      let end = -Infinity;
      for (const item of row) {
        const x = item.transform[4];
        if (text && x - end > cellGap) {
          cells.push({ locator, text: text.trim() });
          text = '';
        }
        text += (text && x - end > 1 ? ' ' : '') + item.str;
        end = x + item.width;
      }
      if (text.trim()) cells.push({ locator, text: text.trim() });
      return { locator, cells };
    });
}

/** Pages of a PDF as lines of cells, each cited by its page (`p3`). */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  const { getDocument } = loadPdfJs();
  // pdfjs takes ownership of (and detaches) the buffer it is given: hand it a copy.
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'PasswordException') throw new ExtractionError('encrypted', 'the PDF is password-protected', { cause: e });
    throw new ExtractionError('unreadable', `the PDF cannot be read (${name ?? 'error'})`, { cause: e });
  }
  try {
    const units: ExtractedUnit[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const locator = `p${n}`;
      units.push({
        kind: 'page',
        locator,
        lines: linesOf(
          content.items.flatMap((i) => ('str' in i ? [i] : [])),
          locator,
        ),
      });
      page.cleanup();
    }
    return { format: 'pdf', units };
  } catch (e) {
    throw new ExtractionError('unreadable', 'a page of the PDF cannot be read', { cause: e });
  } finally {
    await doc.destroy();
  }
}
