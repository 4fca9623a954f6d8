import type { ComparisonSpec } from '../compare/comparison-spec';

/**
 * The backend's own "savings by client, month, channel and brand/generic": savings is AWP minus
 * ingredient cost paid, reversals netted (a reversal repeats its claim with amounts negated, so
 * sums net and it counts -1). Versioned: a change of definition is a new version, and a curated
 * row says which version made it.
 */
export const savingsModel = {
  name: 'savings_by_client_month',
  version: 'v1',
  id: 'savings_by_client_month@v1',
  /** Other definitions a Domo dataflow is known to have used, computed beside the model. */
  alternates: { gross_of_reversals: 'reversals ignored instead of netted' },
} as const;

export const savingsComparisonSpec: ComparisonSpec = {
  keyColumns: ['client_id', 'month', 'channel', 'drug_type'],
  periodColumn: 'month',
  measures: [
    { name: 'claim_count', kind: 'count' },
    { name: 'awp_total', kind: 'money' },
    { name: 'paid_total', kind: 'money' },
    { name: 'savings', kind: 'money' },
  ],
  absTolerance: 0.01,
  relTolerance: 0,
  materialityDollars: 100,
};
