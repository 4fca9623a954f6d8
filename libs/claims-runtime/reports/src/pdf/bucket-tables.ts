import type PDFDocument from 'pdfkit';
import { fromCents, toCents } from '@leaf/contracts';
import type { BucketTotal, GuaranteeMetric, ReconciliationBucket } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { labelOf } from '../labels';
import { notGuaranteedTotal } from '../not-guaranteed';
import { rebateMinimum } from '../rebate-minimum';
import { formatCount, formatMoney, formatTermAt } from './display-format';
import { drawTable, type TableColumn } from './pdf-table';
import { colours, contentBottom, contentWidth, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

interface BucketColumn {
  readonly column: TableColumn;
  readonly cell: (b: ReconciliationBucket) => string;
  /** The total row's cell; blank when a sum of this column means nothing (rates). */
  readonly total?: (t: BucketTotal, buckets: readonly ReconciliationBucket[]) => string;
}

const scope = (b: ReconciliationBucket) => `${b.channel ?? 'all channels'} · ${b.drugType ?? 'all drugs'}`;
const claims: BucketColumn = {
  column: { header: 'Claims', width: 44, align: 'right' },
  cell: (b) => formatCount(b.claimCount),
  total: (t) => formatCount(t.claimCount),
};
/** A rate at the precision its term states; a measured rate at its term's precision. */
const rate = (header: string, pick: (b: ReconciliationBucket) => string | null): BucketColumn => ({
  column: { header, width: 56, align: 'right' },
  cell: (b) => formatTermAt(b.metric, pick(b), b.guaranteedValue),
});
const shortfall: BucketColumn = {
  column: { header: 'Shortfall', width: 64, align: 'right' },
  cell: (b) => formatMoney(b.shortfall),
  total: (t) => formatMoney(t.shortfall),
};
const term: BucketColumn = {
  column: { header: 'Term', width: 50 },
  cell: (b) => `v${b.guaranteeVersion}`,
};

/** What each metric's table shows: the dollars its term is measured on, never another's. */
const columnsOf: Readonly<Record<GuaranteeMetric, readonly BucketColumn[]>> = {
  awp_discount: [
    { column: { header: 'Bucket', width: 92 }, cell: scope },
    claims,
    {
      column: { header: 'AWP', width: 78, align: 'right' },
      cell: (b) => formatMoney(b.awp),
      total: (t) => formatMoney(t.awp),
    },
    rate('Guaranteed', (b) => b.guaranteedValue),
    rate('Effective', (b) => b.effectiveValue),
    {
      column: { header: 'Variance', width: 64, align: 'right' },
      cell: (b) => formatMoney(b.variance),
      total: (t) => formatMoney(t.variance),
    },
    shortfall,
    term,
  ],
  dispensing_fee: [
    { column: { header: 'Bucket', width: 92 }, cell: scope },
    claims,
    {
      column: { header: 'Fees paid', width: 78, align: 'right' },
      cell: (b) => formatMoney(b.dispensingFeePaid),
      total: (t) => formatMoney(t.dispensingFeePaid),
    },
    rate('Guaranteed', (b) => b.guaranteedValue),
    rate('Average', (b) => b.effectiveValue),
    {
      column: { header: 'Variance', width: 64, align: 'right' },
      cell: (b) => formatMoney(b.variance),
      total: (t) => formatMoney(t.variance),
    },
    shortfall,
    term,
  ],
  rebate_per_brand_claim: [
    { column: { header: 'Bucket', width: 92 }, cell: scope },
    claims,
    rate('Per claim', (b) => b.guaranteedValue),
    {
      // The guaranteed minimum in dollars: the rate times the brand claims it covers.
      column: { header: 'Minimum', width: 78, align: 'right' },
      cell: (b) => formatMoney(rebateMinimum(b) ?? '0.00'),
      total: (_t, buckets) => formatMoney(fromCents(buckets.reduce((s, b) => s + toCents(rebateMinimum(b) ?? '0.00'), 0n))),
    },
    {
      column: { header: 'Note', width: 184, wrap: true },
      cell: (b) => b.note ?? '',
    },
    term,
  ],
};

/**
 * The buckets one table per metric. A metric's buckets get a total row only when they partition
 * the claims (see groupBuckets); otherwise a line under the table says why there is none. Nothing
 * is totalled across metrics: AWP-discount, fee and rebate buckets measure the same claims.
 */
export function drawBucketGroups(doc: Doc, report: ReconciliationReport, y: number): number {
  doc.font(fonts.bold).fontSize(11).fillColor(colours.ink).text('Guarantee buckets', page.margin, y, { lineBreak: false });
  y += 18;
  for (const group of report.bucketGroups) {
    const buckets = group.guaranteeIds.flatMap((id) => report.buckets.filter((b) => b.guaranteeId === id));
    const columns = columnsOf[group.metric];
    if (y + 60 > contentBottom) {
      doc.addPage();
      y = page.margin;
    }
    doc.font(fonts.bold).fontSize(9).fillColor(colours.header).text(labelOf(group.metric), page.margin, y, { lineBreak: false });
    y += 13;
    const rows = buckets.map((b) => columns.map((c) => c.cell(b)));
    const { total } = group;
    if (total) rows.push(columns.map((c, i) => (i === 0 ? 'Total' : (c.total?.(total, buckets) ?? ''))));
    y = drawTable(
      doc,
      columns.map((c) => c.column),
      rows,
      y,
      { fontSize: 8, totalRow: total !== null },
    );
    if (group.noTotal) {
      doc
        .font(fonts.regular)
        .fontSize(7.5)
        .fillColor(colours.muted)
        .text(`No total: ${group.noTotal}.`, page.margin, y + 3, {
          width: contentWidth,
        });
      y = doc.y;
    }
    y += 12;
  }
  return y;
}

/**
 * The overlap rule, bucket by bucket: the claims of each aggregate term that carry a per-claim
 * finding, and the dollars those findings recover that were taken out of the term before its
 * shortfall (or, where the contract keeps them in, that stay and are counted twice, disclosed).
 */
export function drawFindingOverlap(doc: Doc, report: ReconciliationReport, y: number): number {
  const adjusted = report.buckets.filter((b) => b.moved !== null);
  if (adjusted.length === 0) return y;
  if (y + 90 > contentBottom) {
    doc.addPage();
    y = page.margin;
  }
  doc.font(fonts.bold).fontSize(11).fillColor(colours.ink).text('Per-claim findings inside the terms', page.margin, y, {
    lineBreak: false,
  });
  const { deducted, kept } = report.summary.findingOverlap;
  doc
    .font(fonts.regular)
    .fontSize(7.5)
    .fillColor(colours.muted)
    .text(
      `Dollars a per-claim finding recovers are taken out of every aggregate term that measured them before its shortfall is computed (${formatMoney(deducted)} this run), so no dollar is owed twice. ` +
        (toCents(kept) > 0n
          ? `Terms whose contract measures every claim as paid keep them: ${formatMoney(kept)} is counted both in those terms and in the findings.`
          : 'No term keeps them.'),
      page.margin,
      y + 16,
      { width: contentWidth },
    );
  return drawTable(
    doc,
    [
      { header: 'Term', width: 150 },
      { header: 'Rule', width: 58 },
      { header: 'With findings', width: 84, align: 'right' },
      { header: 'Duplicates out', width: 66, align: 'right' },
      { header: 'Cost moved', width: 74, align: 'right' },
      { header: 'Fees moved', width: 72, align: 'right' },
    ],
    adjusted.map((b) => {
      const m = b.moved as NonNullable<ReconciliationBucket['moved']>;
      return [
        `${labelOf(b.metric)} · ${scope(b)}`,
        m.rule,
        formatCount(m.claimCount),
        formatCount(m.removedClaims),
        formatMoney(m.ingredientCostPaid),
        formatMoney(m.dispensingFeePaid),
      ];
    }),
    doc.y + 6,
    { fontSize: 8 },
  );
}

/**
 * The claims no term guarantees, per metric the contract guarantees: each channel and drug type
 * with its claims and dollars, and their total (one cell each, so they partition). Shown, owed
 * nothing; without this a reader could not tell them from claims the run missed.
 */
export function drawNotGuaranteed(doc: Doc, report: ReconciliationReport, y: number): number {
  const cells = report.notGuaranteed ?? [];
  for (const metric of [...new Set(cells.map((c) => c.metric))]) {
    const own = cells.filter((c) => c.metric === metric);
    const total = notGuaranteedTotal(own);
    if (y + 60 > contentBottom) {
      doc.addPage();
      y = page.margin;
    }
    doc
      .font(fonts.bold)
      .fontSize(9)
      .fillColor(colours.header)
      .text(`${labelOf(metric)}: not guaranteed`, page.margin, y, {
        lineBreak: false,
      });
    y += 13;
    y = drawTable(
      doc,
      [
        { header: 'Bucket', width: 112 },
        { header: 'Claims', width: 64, align: 'right' },
        { header: 'Excluded', width: 64, align: 'right' },
        { header: 'AWP', width: 92, align: 'right' },
        { header: 'Ingredient cost', width: 92, align: 'right' },
        { header: 'Owed', width: 80, align: 'right' },
      ],
      [
        ...own.map((c) => [
          `${c.channel} · ${c.drugType}`,
          formatCount(c.claimCount),
          formatCount(c.excludedClaimCount),
          formatMoney(c.awp),
          formatMoney(c.ingredientCostPaid),
          'not guaranteed',
        ]),
        ['Total', formatCount(total.claimCount), formatCount(total.excludedClaimCount), formatMoney(total.awp), formatMoney(total.ingredientCostPaid), '$0.00'],
      ],
      y,
      { fontSize: 8, totalRow: true },
    );
    y += 12;
  }
  return y;
}
