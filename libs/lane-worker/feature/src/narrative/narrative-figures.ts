import { formatCount, formatMoney, formatTerm, toCents, type ReconciliationRun } from '@leaf/contracts';

/** A computed figure as the narrative may quote it. */
export interface Figure {
  label: string;
  /** How the narrative writes it: `$1,234.56`, `18.50%`, `1,024`. */
  text: string;
}

/** Written exactly as the PDF writes them (the one shared formatter: half away from zero). */
export const money = formatMoney;
export const count = formatCount;

/** Every figure of a run the narrative may use; nothing else numeric may appear in it. */
export function runFigures(run: ReconciliationRun): Figure[] {
  const figures: Figure[] = [];
  const s = run.summary;
  if (s) {
    figures.push(
      { label: 'claims', text: count(s.claimCount) },
      { label: 'eligible claims', text: count(s.eligibleClaimCount) },
      { label: 'excluded claims', text: count(s.excludedClaimCount) },
      { label: 'total AWP', text: money(s.totalAwp) },
      { label: 'ingredient cost paid', text: money(s.totalIngredientCostPaid) },
      ...(s.eligibleAwp === null || s.eligibleIngredientCostPaid === null
        ? []
        : [
            { label: 'eligible AWP', text: money(s.eligibleAwp) },
            { label: 'eligible ingredient cost paid', text: money(s.eligibleIngredientCostPaid) },
          ]),
      { label: 'guarantee shortfall', text: money(s.guaranteeShortfall) },
      { label: 'audit impact', text: money(s.auditImpact) },
      { label: 'total owed', text: money(s.totalOwed) },
    );
  }
  for (const b of shortfallBuckets(run)) {
    const name = bucketName(b);
    figures.push(
      { label: `${name} guaranteed`, text: valueText(b.metric, b.guaranteedValue) },
      { label: `${name} shortfall`, text: money(b.shortfall) },
      { label: `${name} claims`, text: count(b.claimCount) },
    );
    if (b.effectiveValue !== null) {
      figures.push({ label: `${name} delivered`, text: valueText(b.metric, b.effectiveValue) });
    }
  }
  return figures;
}

/** A guarantee value: a discount as a percentage, a fee or rebate in dollars, rounded as the PDF does. */
export const valueText = (metric: string, value: string): string => formatTerm(metric, value);

export const shortfallBuckets = (run: ReconciliationRun) => run.buckets.filter((b) => toCents(b.shortfall) > 0n);

export const bucketName = (b: ReconciliationRun['buckets'][number]): string =>
  [b.metric.replace(/_/g, ' '), b.channel, b.drugType].filter((p): p is string => typeof p === 'string' && p.length > 0).join(' / ');
