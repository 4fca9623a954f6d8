import type { ReconciliationReport } from '@leaf/claims-runtime/domain';

/**
 * The one timestamp a rendered report carries (workbook properties, zip entries, PDF info):
 * the end of the period it reconciles, never the wall clock, so a replay is byte-identical.
 */
export function reportDate(report: Pick<ReconciliationReport, 'periodEnd'>): Date {
  const date = new Date(`${report.periodEnd}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`report periodEnd ${report.periodEnd} is not a YYYY-MM-DD date`);
  return date;
}

export const reportAuthor = 'Leaf claims-runtime';
