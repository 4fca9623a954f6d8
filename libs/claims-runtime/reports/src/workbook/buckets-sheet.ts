import type { stream, Worksheet } from 'exceljs';
import { fromCents, toCents, type ReconciliationBucket } from '@leaf/contracts';
import { labelOf } from '../labels';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { notGuaranteedTotal } from '../not-guaranteed';
import { rebateMinimum } from '../rebate-minimum';
import { countFormat, currencyFormat, sectionFont, termFormat, wrapAlignment } from './finance-formats';
import { columnLetter, styleTotalRow, totalCell, writeHeader, type SheetColumn, landscapeSheet } from './sheet-helpers';

const columns: readonly SheetColumn[] = [
  { header: 'Guarantee', width: 30 },
  { header: 'Metric', width: 22 },
  { header: 'Channel', width: 11 },
  { header: 'Drug type', width: 10 },
  { header: 'Claims', width: 10, numFmt: countFormat },
  { header: 'AWP', width: 18, numFmt: currencyFormat },
  { header: 'Ingredient cost', width: 18, numFmt: currencyFormat },
  { header: 'Dispensing fees', width: 16, numFmt: currencyFormat },
  { header: 'Guaranteed', width: 12 },
  { header: 'Effective', width: 12 },
  { header: 'Variance', width: 16, numFmt: currencyFormat },
  { header: 'Shortfall', width: 16, numFmt: currencyFormat },
  { header: 'Evidence', width: 34 },
  { header: 'Note', width: 48 },
  // The overlap rule: what per-claim findings took out of (or left in) the term.
  { header: 'Finding overlap', width: 14 },
  { header: 'Claims with findings', width: 12, numFmt: countFormat },
  { header: 'Duplicates taken out', width: 12, numFmt: countFormat },
  { header: 'Ingredient cost moved', width: 16, numFmt: currencyFormat },
  { header: 'Fees moved', width: 14, numFmt: currencyFormat },
  // A rebate term's guaranteed minimum in dollars: its rate times the brand claims (E × I).
  { header: 'Guaranteed minimum', width: 18, numFmt: currencyFormat },
];
const minimumColumn = 20;
const totalColumns = {
  claims: 5,
  awp: 6,
  ingredientCost: 7,
  fees: 8,
  variance: 11,
  shortfall: 12,
} as const;

/** A discount is a fraction shown as a percentage, a fee or rebate term dollars: at the term's precision. */
const rateFormat = (bucket: ReconciliationBucket) => termFormat(bucket.metric, bucket.guaranteedValue);

/**
 * One section per metric: its buckets, then a total row whose cells are SUM formulas over the
 * section (caching the exact decimal totals) — only when its buckets partition the claims; else a
 * line saying which buckets overlap. Nothing is totalled across metrics, which measure the same
 * claims.
 */
export function writeBucketsSheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): void {
  const sheet = landscapeSheet(workbook, 'Buckets', report);
  writeHeader(sheet, columns);
  let rowNumber = 1;
  report.bucketGroups.forEach((group, index) => {
    if (index > 0) {
      sheet.addRow([]).commit();
      rowNumber += 1;
    }
    const title = sheet.addRow([labelOf(group.metric)]);
    title.font = sectionFont;
    title.commit();
    rowNumber += 1;
    const first = rowNumber + 1;
    for (const id of group.guaranteeIds) {
      const bucket = report.buckets.find((b) => b.guaranteeId === id);
      if (!bucket) continue;
      rowNumber += 1;
      writeBucketRow(sheet, bucket, rowNumber);
    }
    const last = rowNumber;
    const total = sheet.addRow([]);
    rowNumber += 1;
    if (group.total) {
      total.getCell(1).value = `Total ${labelOf(group.metric)}`;
      total.getCell(totalColumns.claims).value = {
        formula: `SUM(${columnLetter(totalColumns.claims)}${first}:${columnLetter(totalColumns.claims)}${last})`,
        result: group.total.claimCount,
      };
      const money: [number, string][] = [
        [totalColumns.awp, group.total.awp],
        [totalColumns.ingredientCost, group.total.ingredientCostPaid],
        [totalColumns.fees, group.total.dispensingFeePaid],
        [totalColumns.variance, group.total.variance],
        [totalColumns.shortfall, group.total.shortfall],
      ];
      if (group.metric === 'rebate_per_brand_claim')
        money.push([
          minimumColumn,
          fromCents(
            group.guaranteeIds.reduce((sum, id) => {
              const bucket = report.buckets.find((b) => b.guaranteeId === id);
              return sum + toCents((bucket && rebateMinimum(bucket)) ?? '0.00');
            }, 0n),
          ),
        ]);
      for (const [column, exact] of money) total.getCell(column).value = totalCell(column, first, last, exact);
      styleTotalRow(total);
    } else {
      total.getCell(1).value = `No total: ${group.noTotal ?? 'the buckets overlap'}`;
      total.font = { italic: true };
    }
    total.commit();
  });
  writeNotGuaranteed(sheet, report, rowNumber);
  sheet.commit();
}

/**
 * After the terms, per metric the contract guarantees, the claims none of its terms covers: one
 * row per channel and drug type and their total as SUM formulas (caching the exact figures).
 */
function writeNotGuaranteed(sheet: Worksheet, report: ReconciliationReport, rowNumber: number): number {
  const cells = report.notGuaranteed ?? [];
  for (const metric of [...new Set(cells.map((c) => c.metric))]) {
    const own = cells.filter((c) => c.metric === metric);
    sheet.addRow([]).commit();
    const title = sheet.addRow([`${labelOf(metric)}: not guaranteed`]);
    title.font = sectionFont;
    title.commit();
    rowNumber += 2;
    const first = rowNumber + 1;
    for (const c of own) {
      const row = sheet.addRow(['not guaranteed', labelOf(metric), c.channel, c.drugType, c.claimCount, Number(c.awp), Number(c.ingredientCostPaid)]);
      row.getCell(14).value = `owed nothing: no ${labelOf(metric)} term covers these claims (${c.excludedClaimCount} carry an exclusion flag)`;
      row.getCell(14).alignment = wrapAlignment;
      row.commit();
      rowNumber += 1;
    }
    const last = rowNumber;
    const sums = notGuaranteedTotal(own);
    const total = sheet.addRow([`Total ${labelOf(metric)}: not guaranteed`]);
    total.getCell(totalColumns.claims).value = {
      formula: `SUM(${columnLetter(totalColumns.claims)}${first}:${columnLetter(totalColumns.claims)}${last})`,
      result: sums.claimCount,
    };
    total.getCell(totalColumns.awp).value = totalCell(totalColumns.awp, first, last, sums.awp);
    total.getCell(totalColumns.ingredientCost).value = totalCell(totalColumns.ingredientCost, first, last, sums.ingredientCostPaid);
    styleTotalRow(total);
    total.commit();
    rowNumber += 1;
  }
  return rowNumber;
}

function writeBucketRow(sheet: Worksheet, bucket: ReconciliationBucket, rowNumber: number): void {
  const row = sheet.addRow([
    bucket.guaranteeId,
    labelOf(bucket.metric),
    bucket.channel ?? 'all',
    bucket.drugType ?? 'all',
    bucket.claimCount,
    Number(bucket.awp),
    Number(bucket.ingredientCostPaid),
    Number(bucket.dispensingFeePaid),
    Number(bucket.guaranteedValue),
    bucket.effectiveValue === null ? null : Number(bucket.effectiveValue),
    Number(bucket.variance),
    Number(bucket.shortfall),
    `${bucket.evidence.objectId} ${bucket.evidence.locator}`,
    bucket.note,
    ...(bucket.moved
      ? [
          bucket.moved.rule,
          bucket.moved.claimCount,
          bucket.moved.removedClaims,
          Number(bucket.moved.ingredientCostPaid),
          Number(bucket.moved.dispensingFeePaid),
        ]
      : ['n/a']),
  ]);
  row.getCell(9).numFmt = rateFormat(bucket);
  row.getCell(10).numFmt = rateFormat(bucket);
  const minimum = rebateMinimum(bucket);
  if (minimum !== null)
    row.getCell(minimumColumn).value = {
      formula: `E${rowNumber}*I${rowNumber}`,
      result: Number(minimum),
    };
  row.getCell(14).alignment = wrapAlignment;
  row.commit();
}
