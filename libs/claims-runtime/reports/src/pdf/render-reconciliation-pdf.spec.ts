import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { emptyReport, readPdfText, reconciliationReportFixture } from '../testing';
import { rebateMinimum } from '../rebate-minimum';
import { discountChartBox, discountChartPlot } from './discount-chart';
import { groupBuckets } from '@leaf/claims-runtime/domain';
import { formatCount, formatMoney } from './display-format';
import { colours } from './pdf-style';
import { renderReconciliationPdf } from './render-reconciliation-pdf';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type Canvas = typeof import('@napi-rs/canvas');
/**
 * pdfjs-dist is ESM-only: Node's own require (not Jest's registry) loads it, as the packets
 * extractor does. The canvas must be the copy pdfjs itself loads (pdfjs-dist pins its own
 * @napi-rs/canvas 0.1.x under its folder): pdfjs draws glyphs with that copy's Path2D, which the
 * workspace's 1.x canvas context rejects.
 */
const nativeRequire = process.getBuiltinModule('module').createRequire(__filename);
const loadPdfJs = () => nativeRequire('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
const pdfjsRequire = process.getBuiltinModule('module').createRequire(nativeRequire.resolve('pdfjs-dist/package.json'));
const { createCanvas } = pdfjsRequire('@napi-rs/canvas') as Canvas;
const standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';

const scale = 2;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

interface RenderedPage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8ClampedArray;
  readonly png: Buffer;
  readonly text: string;
}

async function renderPages(pdf: Buffer): Promise<{ pageCount: number; pages: RenderedPage[]; allText: string }> {
  const pdfjs = loadPdfJs();
  const document = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl,
    isEvalSupported: false,
  }).promise;
  const pages: RenderedPage[] = [];
  let allText = '';
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
    allText += `${text}\n`;
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    // pdfjs types its parameters with the DOM's canvas; @napi-rs/canvas implements the same API.
    await page.render({
      canvas,
      canvasContext: context,
      viewport,
    } as unknown as Parameters<typeof page.render>[0]).promise;
    pages.push({
      width: canvas.width,
      height: canvas.height,
      pixels: context.getImageData(0, 0, canvas.width, canvas.height).data,
      png: canvas.toBuffer('image/png'),
      text,
    });
  }
  const pageCount = document.numPages;
  await document.destroy();
  return { pageCount, pages, allText };
}

function isColour(pixels: Uint8ClampedArray, offset: number, [r, g, b]: [number, number, number]): boolean {
  return Math.abs((pixels[offset] ?? 0) - r) <= 12 && Math.abs((pixels[offset + 1] ?? 0) - g) <= 12 && Math.abs((pixels[offset + 2] ?? 0) - b) <= 12;
}

/** Pixels of a colour inside and outside a box given in PDF points. */
function countColour(page: RenderedPage, colour: string, box: { x: number; y: number; width: number; height: number }): { inside: number; outside: number } {
  const target = rgb(colour);
  const counts = { inside: 0, outside: 0 };
  for (let y = 0; y < page.height; y++) {
    const rowInside = y >= box.y * scale && y < (box.y + box.height) * scale;
    for (let x = 0; x < page.width; x++) {
      if (!isColour(page.pixels, (y * page.width + x) * 4, target)) continue;
      if (rowInside && x >= box.x * scale && x < (box.x + box.width) * scale) counts.inside += 1;
      else counts.outside += 1;
    }
  }
  return counts;
}

/** Separate runs of a colour along one pixel row: one run per bar the row crosses. */
function runsAlongRow(page: RenderedPage, colour: string, yPoints: number, from: number, to: number): number {
  const target = rgb(colour);
  const y = Math.round(yPoints * scale);
  let runs = 0;
  let inside = false;
  for (let x = Math.floor(from * scale); x < Math.ceil(to * scale); x++) {
    const hit = isColour(page.pixels, (y * page.width + x) * 4, target);
    if (hit && !inside) runs += 1;
    inside = hit;
  }
  return runs;
}

describe('renderReconciliationPdf', () => {
  const report = reconciliationReportFixture({ claimFindings: 240 });
  const awpBuckets = report.buckets.filter((b) => b.metric === 'awp_discount');
  let pdf: Buffer;
  let rendered: Awaited<ReturnType<typeof renderPages>>;

  beforeAll(async () => {
    pdf = await renderReconciliationPdf(report);
    rendered = await renderPages(pdf);
    // For a human to look at: tmp/ is git-ignored.
    const out = join(__dirname, '../../../../../tmp/claims-runtime-reports/reconciliation-page1.png');
    mkdirSync(dirname(out), { recursive: true });
    rendered.pages.forEach((page, index) => writeFileSync(out.replace('page1', `page${index + 1}`), page.png));
  });

  it('is a Letter PDF with the summary page, the detail page and the evidence appendix', () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const count = rendered.pageCount;
    expect(count).toBeGreaterThanOrEqual(3);
    for (const page of rendered.pages) expect([page.width, page.height]).toEqual([612 * scale, 792 * scale]);
    expect(rendered.pages[1]?.text).toContain('Guarantee buckets');
    expect(rendered.allText).toContain('Appendix: evidence');
    expect(rendered.pages.every((p, i) => p.text.includes(`Page ${i + 1} of ${count}`))).toBe(true);
  });

  it('names the client and the total owed on the first page, as text a reader can search', () => {
    const text = rendered.pages[0]?.text ?? '';
    expect(text).toContain(report.clientName);
    expect(text).toContain(formatMoney(report.summary.totalOwed));
    expect(text).toContain('Guaranteed vs effective AWP discount by bucket');
    expect(text).toContain(report.runId);
  });

  it('shows what is owed once: fee excess inside the guarantee shortfall, each subtotal the summary figure, then the total', () => {
    const lines = (rendered.pages[0]?.text ?? '').split('\n').filter((l) => l.trim() !== '');
    const table = lines.slice(lines.indexOf('What is owed'));
    const fee = report.findingTotals.find((t) => t.kind === 'fee_above_contract')!;
    const count = (category: string) => report.findingTotals.filter((t) => t.category === category).reduce((n, t) => n + t.count, 0);
    const joined = table.join('|');
    expect(joined).toContain(`Per-claim fee ceiling: fee above contract|Guarantee shortfall|${fee.count}|${formatMoney(fee.impact)}`);
    expect(joined).toContain(`|Guarantee shortfall|${count('guarantee')}|${formatMoney(report.summary.guaranteeShortfall)}|`);
    expect(joined).toContain(`|Audit findings|${count('audit')}|${formatMoney(report.summary.auditImpact)}|`);
    expect(joined).toContain(`|Total owed|${formatMoney(report.summary.totalOwed)}`);
    // The call-out beside the summary states the same two figures.
    const spaced = lines.map((l) => l.replace(/\s+/g, ' '));
    expect(spaced).toContain(`Guarantee shortfall ${formatMoney(report.summary.guaranteeShortfall)}`);
    expect(spaced).toContain(`Audit findings ${formatMoney(report.summary.auditImpact)}`);
    expect(lines.filter((l) => l === 'Fee above contract')).toHaveLength(0);
  });

  it('gives each metric its own bucket table, totalled only where its buckets partition the claims, never across metrics', async () => {
    const lines = (rendered.pages[1]?.text ?? '').split('\n').filter((l) => l.trim() !== '');
    const awp = report.bucketGroups.find((g) => g.metric === 'awp_discount')!;
    const joined = lines.join('|');
    expect(joined).toContain(`Total|${formatCount(awp.total!.claimCount)}|${formatMoney(awp.total!.awp)}|`);
    for (const label of ['AWP discount', 'Dispensing fee', 'Rebate per brand claim']) expect(lines).toContain(label);
    // The old cross-metric total added every metric's claims: it must not appear.
    const everyMetric = report.buckets.reduce((n, b) => n + b.claimCount, 0);
    expect(joined).not.toContain(formatCount(everyMetric));

    const rebate = report.buckets.find((b) => b.metric === 'rebate_per_brand_claim')!;
    const buckets = [
      ...report.buckets,
      {
        ...rebate,
        guaranteeId: 'g-rebate-retail30',
        channel: 'retail30' as const,
      },
    ];
    const overlapping = await renderPages(
      await renderReconciliationPdf({
        ...report,
        buckets,
        bucketGroups: groupBuckets(buckets),
      }),
    );
    const text = overlapping.pages[1]?.text.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('No total: g-cp-2025-rebate and g-rebate-retail30');
  });

  it('shows, term by term, the claims with findings and the dollars taken out before the shortfall', () => {
    const text = rendered.allText.replace(/\s+/g, ' ');
    expect(text).toContain('Per-claim findings inside the terms');
    expect(text).toContain(`(${formatMoney(report.summary.findingOverlap.deducted)} this run)`);
    const lines = rendered.allText.split('\n').filter((l) => l.trim() !== '');
    const joined = lines.join('|');
    for (const b of report.buckets.filter((b) => b.moved))
      expect(joined).toContain(
        `|deducted|${formatCount(b.moved!.claimCount)}|${formatCount(b.moved!.removedClaims)}|${formatMoney(b.moved!.ingredientCostPaid)}|`,
      );
  });

  it('draws one guaranteed and one effective bar per AWP bucket inside the chart', () => {
    const page = rendered.pages[0] as RenderedPage;
    // The orange is the chart's alone: plenty inside the chart box, none leaking outside it.
    const effective = countColour(page, colours.effective, discountChartBox);
    expect(effective.inside).toBeGreaterThan(2_000);
    expect(effective.outside).toBe(0);
    // Just above the x axis every bar is crossed once: 8 guaranteed (navy) and 8 effective (orange).
    const justAboveAxis = discountChartPlot.bottom - 2;
    expect(runsAlongRow(page, colours.effective, justAboveAxis, discountChartPlot.left + 2, discountChartPlot.right)).toBe(awpBuckets.length);
    expect(runsAlongRow(page, colours.guaranteed, justAboveAxis, discountChartPlot.left + 2, discountChartPlot.right)).toBe(awpBuckets.length);
  });

  it('lists the findings by kind with their total, the top findings and every evidence hash', () => {
    for (const total of report.findingTotals) expect(rendered.allText).toContain(formatMoney(total.impact));
    for (const finding of report.topFindings) expect(rendered.allText).toContain(finding.claimId ?? finding.guaranteeId ?? finding.findingId);
    for (const item of report.evidence) expect(rendered.allText).toContain(item.sha256);
    expect(rendered.allText).toContain('Appendix: evidence');
  });

  it('gives byte-identical PDFs for the same report, even rendered seconds apart', async () => {
    // PDF dates have one-second resolution: waiting longer proves the wall clock is not in the file.
    await sleep(1_100);
    const again = await renderReconciliationPdf(reconciliationReportFixture({ claimFindings: 240 }));
    expect(sha256(again)).toBe(sha256(pdf));
    const other = await renderReconciliationPdf(
      reconciliationReportFixture({
        claimFindings: 240,
        clientName: 'Other Plan',
      }),
    );
    expect(sha256(other)).not.toBe(sha256(pdf));
  });

  it('renders an empty run: zero owed, a chart that says it has no discount terms', async () => {
    const empty = await renderPages(await renderReconciliationPdf(emptyReport()));
    // Summary, buckets, methodology, appendix.
    expect(empty.pageCount).toBe(4);
    expect(empty.pages[0]?.text).toContain('No AWP discount guarantees in this period.');
    expect(empty.pages[0]?.text).toContain('$0.00');
    // Only the legend swatch is orange: no bar stands on the axis.
    const legendOnly = countColour(empty.pages[0] as RenderedPage, colours.effective, discountChartBox).inside;
    expect(legendOnly).toBeLessThan(400);
    expect(
      runsAlongRow(empty.pages[0] as RenderedPage, colours.effective, discountChartPlot.bottom - 2, discountChartPlot.left + 2, discountChartPlot.right),
    ).toBe(0);
  });

  it('wraps a client name too long for the page onto more lines, never cutting it short', async () => {
    const longName = `${'Consolidated Regional Employers Health and Welfare Trust Fund '.repeat(3)}Plan`;
    const long = await renderPages(
      await renderReconciliationPdf(
        reconciliationReportFixture({
          claimFindings: 10,
          clientName: longName,
        }),
      ),
    );
    const page1 = long.pages[0]?.text ?? '';
    expect(page1.replace(/\s+/g, ' ')).toContain(longName);
    expect(long.allText).not.toContain('…');
    // The summary and the chart move down under the taller title; both are still on page 1.
    expect(page1).toContain('Guaranteed vs effective AWP discount by bucket');
    expect(page1).toContain('Total owed to the client');
    // The footer has no room for it: it names period and reference, and cuts nothing.
    expect(page1.replace(/\s+/g, ' ')).toContain(`Leaf · cp-2025 · ${reconciliationReportFixture().runId} Page 1 of`);
  });

  it('has a methodology page: definitions, eligibility and exclusions, the overlap rule, rounding, sources and evidence', () => {
    const index = rendered.pages.findIndex((p) => p.text.split('\n').includes('Methodology'));
    expect(index).toBeGreaterThan(0);
    const page = rendered.pages[index] as RenderedPage;
    const lines = page.text.split('\n').map((l) => l.trim());
    for (const title of ['Definitions', 'Eligibility and exclusions', 'The overlap rule: no dollar owed twice', 'Rounding', 'Sources and evidence'])
      expect(lines).toContain(title);
    const text = page.text.replace(/\s+/g, ' ');
    // This run's own figures, as the summary states them.
    expect(text).toContain(`${formatCount(report.summary.claimCount)} net claims, ${formatCount(report.summary.eligibleClaimCount)} eligible`);
    expect(text).toContain(`This run deducted ${formatMoney(report.summary.findingOverlap.deducted)} of finding dollars`);
    expect(text).toContain('half away from zero');
    expect(text).toContain('412,345 claim rows in the source, latest fill 2025-12-31, highest claim id CLM0009876543');
    expect(text).toContain(report.inputsSha256);
    // It is drawn, not only present as text: dark type covers much of the rendered page.
    let ink = 0;
    for (let offset = 0; offset < page.pixels.length; offset += 4) if ((page.pixels[offset] ?? 255) < 96) ink += 1;
    expect(ink).toBeGreaterThan(20_000);
    // Before the appendix.
    expect(rendered.pages.slice(index + 1).some((p) => p.text.includes('Appendix: evidence'))).toBe(true);
  });

  it('states the claims source watermark in words and the run reference on page 1', () => {
    const text = (rendered.pages[0]?.text ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Claims source: 412,345 claim rows in the source, latest fill 2025-12-31, highest claim id CLM0009876543');
    expect(text).not.toContain('claims=412345;');
    expect(text).toContain(`Report reference ${report.runId}`);
  });

  it("shows a rebate term's guaranteed minimum in dollars", () => {
    const rebate = report.buckets.find((b) => b.metric === 'rebate_per_brand_claim')!;
    const minimum = rebateMinimum(rebate)!;
    expect(minimum).toBe('140717.50');
    const lines = (rendered.pages[1]?.text ?? '').split('\n').filter((l) => l.trim() !== '');
    expect(lines.join('|')).toContain(`|${formatCount(rebate.claimCount)}|$42.50|${formatMoney(minimum)}|`);
  });

  it('cuts no amount or id in its key tables: each is one complete text run, long ones in smaller type, prose wrapped', async () => {
    const base = reconciliationReportFixture({ claimFindings: 40 });
    const longId = 'g-northfield-tech-py2025-specialty-generic-amended';
    const buckets = base.buckets.map((b) =>
      b.metric === 'dispensing_fee'
        ? { ...b, guaranteedValue: '0.975416', effectiveValue: '1.012346' }
        : b.channel === 'specialty' && b.drugType === 'generic'
          ? {
              ...b,
              guaranteeId: longId,
              guaranteeVersion: 12,
              guaranteedValue: '0.86055',
              effectiveValue: '0.860449',
              awp: '123456789.01',
            }
          : b,
    );
    const topFindings = base.topFindings.map((f, i) =>
      i === 0
        ? {
            ...f,
            claimId: 'CLM-NORTHFIELD-TECH-2025-000012345',
            impact: '98765432.10',
            detail: `${'a detail long enough to need more than one line of the table, '.repeat(3)}end`,
          }
        : f,
    );
    const stressed = {
      ...base,
      buckets,
      bucketGroups: groupBuckets(buckets),
      topFindings,
    };
    const pages = await readPdfText(await renderReconciliationPdf(stressed));
    const runs = new Set(pages.flat());
    const all = pages.flat().join(' ');
    expect(all).not.toContain('…');
    const expected = [
      // Ids.
      ...topFindings.map((f) => f.claimId ?? f.guaranteeId ?? f.findingId),
      `${longId} v12`,
      ...stressed.evidence.map((e) => `sha256 ${e.sha256}`),
      ...buckets.map((b) => b.evidence.sha256!),
      // Amounts, and rates to the precision the rule states.
      ...topFindings.map((f) => formatMoney(f.impact)),
      ...buckets.filter((b) => b.metric !== 'rebate_per_brand_claim').flatMap((b) => [formatMoney(b.shortfall), formatMoney(b.variance)]),
      formatMoney('123456789.01'),
      '$0.975416',
      '$1.012346',
      '86.055%',
      '86.045%',
      ...stressed.findingTotals.map((t) => formatMoney(t.impact)),
      formatMoney(stressed.summary.totalOwed),
    ];
    for (const text of expected) expect([text, runs.has(text)]).toEqual([text, true]);
    // The long detail wraps: every word is there, over more than one run.
    expect(all.replace(/\s+/g, ' ')).toContain('need more than one line');
    expect(runs.has(topFindings[0]!.detail)).toBe(false);
  });

  it('shows the claims no term guarantees with their totals, owed nothing, instead of dropping them', async () => {
    const withCells = {
      ...report,
      notGuaranteed: [
        {
          metric: 'awp_discount' as const,
          channel: 'specialty' as const,
          drugType: 'generic' as const,
          claimCount: 1_204,
          excludedClaimCount: 12,
          awp: '412345.67',
          ingredientCostPaid: '301234.56',
        },
        {
          metric: 'awp_discount' as const,
          channel: 'mail' as const,
          drugType: 'brand' as const,
          claimCount: 96,
          excludedClaimCount: 0,
          awp: '0.33',
          ingredientCostPaid: '0.44',
        },
      ],
    };
    const pages = await readPdfText(await renderReconciliationPdf(withCells));
    const joined = pages.flat().join('|');
    expect(joined).toContain('AWP discount: not guaranteed');
    expect(joined).toContain('specialty · generic|1,204|12|$412,345.67|$301,234.56|not guaranteed');
    expect(joined).toContain('Total|1,300|12|$412,346.00|$301,235.00|$0.00');
    // Without cells (an older run) there is no such section.
    expect(rendered.allText).not.toContain('not guaranteed|');
  });
});
