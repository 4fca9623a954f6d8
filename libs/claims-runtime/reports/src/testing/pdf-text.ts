import { dirname, join } from 'node:path';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

/**
 * pdfjs-dist is ESM-only: Node's own require (not Jest's registry) loads it, as the packets
 * extractor does.
 */
const nativeRequire = process.getBuiltinModule('module').createRequire(__filename);
export const loadPdfJs = () => nativeRequire('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
export const standardFontDataUrl = join(dirname(nativeRequire.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';

/**
 * TEST ONLY: the text of every page as a reader's search would find it, one non-blank text run
 * per entry (pdfjs's whitespace runs dropped, inner runs of spaces collapsed to one).
 */
export async function readPdfText(pdf: Buffer): Promise<string[][]> {
  const document = await loadPdfJs().getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl,
    isEvalSupported: false,
  }).promise;
  const pages: string[][] = [];
  try {
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? item.str : ''))
          .map((s) => s.replace(/\s+/g, ' ').trim())
          .filter((s) => s !== ''),
      );
    }
  } finally {
    await document.destroy();
  }
  return pages;
}
