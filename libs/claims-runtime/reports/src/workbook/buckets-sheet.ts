import type { stream } from 'exceljs';
import { fromCents, toCents, type ReconciliationBucket } from '@leaf/contracts';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { countFormat, currencyFormat, percentFormat } from './finance-formats';
import {
  frozenHeaderView,
  setAutoFilter,
  styleTotalRow,
  totalCell,
  writeHeader,
  type SheetColumn,
} from './sheet-helpers';

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
];
const moneyColumns = {
  claims: 5,
  awp: 6,
  ingredientCost: 7,
  fees: 8,
  variance: 11,
  shortfall: 12,
} as const;

/** A discount is a fraction shown as a percentage; a fee or rebate term is dollars. */
const rateFormat = (bucket: ReconciliationBucket) =>
  bucket.metric === 'awp_discount' ? percentFormat : currencyFormat;

const sumMoney = (
  buckets: readonly ReconciliationBucket[],
  pick: (b: ReconciliationBucket) => string,
) => fromCents(buckets.reduce((sum, b) => sum + toCents(pick(b)), 0n));

export function writeBucketsSheet(
  workbook: stream.xlsx.WorkbookWriter,
  report: ReconciliationReport,
): void {
  const sheet = workbook.addWorksheet('Buckets', { views: frozenHeaderView });
  writeHeader(sheet, columns);
  for (const bucket of report.buckets) {
    const row = sheet.addRow([
      bucket.guaranteeId,
      bucket.metric,
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
    ]);
    row.getCell(9).numFmt = rateFormat(bucket);
    row.getCell(10).numFmt = rateFormat(bucket);
    row.commit();
  }
  const first = 2;
  const last = report.buckets.length + 1;
  setAutoFilter(sheet, columns.length, last);
  if (report.buckets.length > 0) {
    const total = sheet.addRow([]);
    total.getCell(1).value = 'Total';
    total.getCell(moneyColumns.claims).value = {
      formula: `SUM(E${first}:E${last})`,
      result: report.buckets.reduce((sum, b) => sum + b.claimCount, 0),
    };
    total.getCell(moneyColumns.awp).value = totalCell(
      moneyColumns.awp,
      first,
      last,
      sumMoney(report.buckets, (b) => b.awp),
    );
    total.getCell(moneyColumns.ingredientCost).value = totalCell(
      moneyColumns.ingredientCost,
      first,
      last,
      sumMoney(report.buckets, (b) => b.ingredientCostPaid),
    );
    total.getCell(moneyColumns.fees).value = totalCell(
      moneyColumns.fees,
      first,
      last,
      sumMoney(report.buckets, (b) => b.dispensingFeePaid),
    );
    total.getCell(moneyColumns.variance).value = totalCell(
      moneyColumns.variance,
      first,
      last,
      sumMoney(report.buckets, (b) => b.variance),
    );
    total.getCell(moneyColumns.shortfall).value = totalCell(
      moneyColumns.shortfall,
      first,
      last,
      sumMoney(report.buckets, (b) => b.shortfall),
    );
    styleTotalRow(total);
    total.commit();
  }
  sheet.commit();
}
