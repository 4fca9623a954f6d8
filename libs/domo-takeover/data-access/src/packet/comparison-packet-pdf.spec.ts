import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diffByKey, summarize, type ComparisonSpec, type CuratedRow, type KeyedRow } from '@leaf/domo-takeover/domain';
import type { PacketInput } from './comparison-packet';
import { comparisonPacketPdf, pdfDifferenceRows } from './comparison-packet-pdf';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type Canvas = typeof import('@napi-rs/canvas');
/**
 * pdfjs-dist is ESM-only: Node's own require loads it; the canvas is the copy pdfjs itself pins
 * (its Path2D is the one pdfjs draws glyphs with), as claims-runtime's report spec does.
 */
const nativeRequire = process.getBuiltinModule('module').createRequire(__filename);
const pdfjs = () => nativeRequire('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
const pdfjsRequire = process.getBuiltinModule('module').createRequire(nativeRequire.resolve('pdfjs-dist/package.json'));
const { createCanvas } = pdfjsRequire('@napi-rs/canvas') as Canvas;
const standardFontDataUrl = join(dirname(nativeRequire.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
const scale = 2;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function rendered(pdf: Buffer): Promise<Array<{ width: number; height: number; pixels: Uint8ClampedArray; png: Buffer; text: string }>> {
  const document = await pdfjs().getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, isEvalSupported: false }).promise;
  const pages = [];
  try {
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const text = (await page.getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join('\n');
      const viewport = page.getViewport({ scale });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext('2d');
      await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<typeof page.render>[0]).promise;
      pages.push({
        width: canvas.width,
        height: canvas.height,
        pixels: context.getImageData(0, 0, canvas.width, canvas.height).data,
        png: canvas.toBuffer('image/png'),
        text,
      });
    }
  } finally {
    await document.destroy();
  }
  return pages;
}

const spec: ComparisonSpec = {
  keyColumns: ['client_id', 'month'],
  periodColumn: 'month',
  measures: [
    { name: 'claim_count', kind: 'count' },
    { name: 'savings', kind: 'money' },
  ],
  absTolerance: 0.01,
  relTolerance: 0,
  materialityDollars: 100,
};
const row = (client: string, month: string, n: number, savings: number): KeyedRow => ({
  key: { client_id: client, month },
  values: { claim_count: n, savings },
});

/** Forty clients by three months; Domo rounds some, misses some, and is off for the rest. */
function packetInput(): PacketInput {
  const curated: CuratedRow[] = [];
  const domo: KeyedRow[] = [];
  for (let c = 0; c < 40; c++) {
    for (const month of ['2025-01-01', '2025-02-01', '2025-03-01']) {
      const client = `client-${String(c).padStart(2, '0')}`;
      const savings = 1000 + c * 37.25;
      curated.push(row(client, month, 10 + c, savings));
      if (c % 10 === 3) continue; // missing in Domo
      domo.push(row(client, month, 10 + c, c % 4 === 0 ? Math.round(savings) : c % 4 === 1 ? savings + 250 * c : savings));
    }
  }
  const result = diffByKey(spec, domo, curated);
  return {
    comparisonId: 'dcm-0123456789abcdef01234567',
    dataset: 'savings_by_client_month',
    exportId: 'dex-0123456789abcdef01234567',
    exportSha256: 'e'.repeat(64),
    model: 'savings-by-client-month@v1',
    createdAt: '2025-11-23T06:00:00.000Z',
    spec,
    summary: summarize(result),
    differences: result.differences,
  };
}

describe('comparisonPacketPdf', () => {
  const input = packetInput();
  let pdf: Buffer;
  let pages: Awaited<ReturnType<typeof rendered>>;

  beforeAll(async () => {
    pdf = await comparisonPacketPdf(input);
    pages = await rendered(pdf);
    // For a reviewer's eye: the pages as PNG under tmp/ (not committed).
    const out = join(__dirname, '../../../../../tmp/domo-takeover-packet/page1.png');
    mkdirSync(dirname(out), { recursive: true });
    pages.forEach((page, i) => writeFileSync(out.replace('page1', `page${i + 1}`), page.png));
  }, 60_000);

  it('gives the same bytes for the same comparison, and other bytes for another', async () => {
    expect(sha256(await comparisonPacketPdf(packetInput()))).toBe(sha256(pdf));
    expect(sha256(await comparisonPacketPdf({ ...input, comparisonId: 'dcm-fedcba9876543210fedcba98' }))).not.toBe(sha256(pdf));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('renders Letter pages with what the reviewer signs: the export, the reasons with their dollars, the largest differences', () => {
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(3);
    for (const page of pages) expect([page.width, page.height]).toEqual([612 * scale, 792 * scale]);
    const text = pages.map((p) => p.text).join('\n');
    for (const expected of [
      'Domo takeover: golden comparison',
      input.comparisonId,
      input.exportId,
      input.exportSha256,
      'Differences by reason',
      'Largest differences',
    ]) {
      expect(text).toContain(expected);
    }
    for (const label of ['Unexplained', 'Missing in Domo', 'Rounding']) expect(text).toContain(label);
    expect(text).toContain(`${input.summary.differences} differences`);
    // The largest difference first: the client Domo is furthest off for (client-37, 250 x 37 dollars).
    expect(text).toContain('client-37 / 2025-01-01');
    expect(text).toContain('$9,250.00');
    expect(text).toContain(`The ${pdfDifferenceRows} largest of ${input.differences.length}`);
    expect(pages.every((p, i) => p.text.includes(`Page ${i + 1} of ${pages.length}`))).toBe(true);
  });

  it('draws ink: header bands in the report blue and text on every page, nothing but white outside the margins', () => {
    const blue = [0x1f, 0x4e, 0x79];
    for (const page of pages) {
      let ink = 0;
      let band = 0;
      let outside = 0;
      for (let y = 0; y < page.height; y++) {
        for (let x = 0; x < page.width; x++) {
          const o = (y * page.width + x) * 4;
          const [r, g, b] = [page.pixels[o] ?? 0, page.pixels[o + 1] ?? 0, page.pixels[o + 2] ?? 0];
          if (r > 245 && g > 245 && b > 245) continue;
          ink += 1;
          if (Math.abs(r - (blue[0] ?? 0)) < 10 && Math.abs(g - (blue[1] ?? 0)) < 10 && Math.abs(b - (blue[2] ?? 0)) < 10) band += 1;
          if (x < 40 * scale || x > (612 - 40) * scale) outside += 1;
        }
      }
      expect(ink).toBeGreaterThan(10_000);
      expect(outside).toBe(0);
      if (page === pages[0]) expect(band).toBeGreaterThan(5_000);
    }
  });
});
