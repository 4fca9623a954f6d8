import { fromUnits, toCents, toUnits, type ReconciliationRun } from '@leaf/contracts';

/** A computed figure as the narrative may quote it. */
export interface Figure {
  label: string;
  /** How the narrative writes it: `$1,234.56`, `18.50%`, `1,024`. */
  text: string;
}

/** `1234567.5` -> `1,234,567.50` (exact: string arithmetic, no floats). */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction] = (negative ? decimal.slice(1) : decimal).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export const money = (m: string): string => (m.startsWith('-') ? `-$${groupThousands(m.slice(1))}` : `$${groupThousands(m)}`);
/** A fraction (`0.185`) as a percentage with two places (`18.50%`), exactly. */
export const percent = (rate: string): string => `${fromUnits(toUnits(rate, 6), 4).replace(/(\.\d{2})\d*$/, '$1')}%`;
export const count = (n: number): string => groupThousands(String(n));

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

/** A guarantee value: a discount as a percentage, a fee or rebate in dollars (cents, truncated). */
export const valueText = (metric: string, value: string): string =>
  metric === 'awp_discount' ? percent(value) : money(fromUnits(toUnits(value, 6) / 10_000n, 2));

export const shortfallBuckets = (run: ReconciliationRun) => run.buckets.filter((b) => toCents(b.shortfall) > 0n);

export const bucketName = (b: ReconciliationRun['buckets'][number]): string =>
  [b.metric.replace(/_/g, ' '), b.channel, b.drugType].filter((p): p is string => typeof p === 'string' && p.length > 0).join(' / ');
