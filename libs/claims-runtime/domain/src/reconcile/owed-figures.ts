import { findingKinds, fromCents, toCents, type Finding, type FindingKind, type FindingKindTotal, type Money, type OwedCategory } from '@leaf/contracts';

/**
 * Which owed figure each finding kind makes. The per-claim dispensing-fee ceiling is a contract
 * term, so its excess is guarantee shortfall, never an audit finding: one category per dollar.
 */
export const owedCategoryOf: Readonly<Record<FindingKind, OwedCategory>> = {
  guarantee_shortfall: 'guarantee',
  fee_above_contract: 'guarantee',
  paid_above_uc: 'audit',
  ingredient_above_awp: 'audit',
  duplicate_fill: 'audit',
  short_days_supply_90: 'audit',
  brand_generic_reclass: 'audit',
  refill_too_soon: 'audit',
  implausible_days_supply: 'audit',
  daw_penalty: 'audit',
};

/** Guarantee shortfall, audit findings and total owed, with the findings by kind that make them. */
export interface OwedFigures {
  readonly guaranteeShortfall: Money;
  readonly auditImpact: Money;
  readonly totalOwed: Money;
  /** In the fixed order of `findingKinds`, only kinds with findings. */
  readonly findingTotals: readonly FindingKindTotal[];
}

/**
 * The one place the owed figures are computed: from the findings themselves, so the API, the
 * workbook and the PDF, which all render this, cannot disagree with each other or with the list
 * of findings they add up.
 */
export function owedFigures(findings: Iterable<Finding>): OwedFigures {
  const byKind = new Map<FindingKind, { count: number; cents: bigint }>();
  for (const f of findings) {
    const t = byKind.get(f.kind) ?? { count: 0, cents: 0n };
    t.count += 1;
    t.cents += toCents(f.impact);
    byKind.set(f.kind, t);
  }
  const totals: FindingKindTotal[] = findingKinds
    .filter((kind) => byKind.has(kind))
    .map((kind) => {
      const t = byKind.get(kind) as { count: number; cents: bigint };
      return {
        kind,
        category: owedCategoryOf[kind],
        count: t.count,
        impact: fromCents(t.cents),
      };
    });
  const sum = (category: OwedCategory) => totals.filter((t) => t.category === category).reduce((s, t) => s + toCents(t.impact), 0n);
  const guarantee = sum('guarantee');
  const audit = sum('audit');
  return {
    guaranteeShortfall: fromCents(guarantee),
    auditImpact: fromCents(audit),
    totalOwed: fromCents(guarantee + audit),
    findingTotals: totals,
  };
}
