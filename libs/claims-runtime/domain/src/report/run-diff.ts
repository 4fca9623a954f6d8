import { fromCents, toCents, type ReconciliationBucket, type ReconciliationSummary, type RunDiff } from '@leaf/contracts';

/** What identifies a bucket across runs: its term and the date its version took over. */
export const bucketKey = (b: ReconciliationBucket): string => `${b.guaranteeId}@${b.effectiveFrom ?? 'period'}`;

const compared = [
  'guaranteeVersion',
  'effectiveTo',
  'guaranteedValue',
  'claimCount',
  'awp',
  'ingredientCostPaid',
  'dispensingFeePaid',
  'effectiveValue',
  'variance',
  'shortfall',
  'moved',
] as const satisfies readonly (keyof ReconciliationBucket)[];

const side = (b: ReconciliationBucket | undefined) =>
  b
    ? {
        guaranteeVersion: b.guaranteeVersion,
        guaranteedValue: b.guaranteedValue,
        evidence: b.evidence,
        claimCount: b.claimCount,
        effectiveValue: b.effectiveValue,
        shortfall: b.shortfall,
      }
    : null;

/**
 * The buckets added, removed or changed from `base` to `other`, in bucket key order, each with the
 * fields that differ and the term version (and its evidence) each run measured against.
 */
export function diffBuckets(base: readonly ReconciliationBucket[], other: readonly ReconciliationBucket[]): RunDiff['buckets'] {
  const before = new Map(base.map((b) => [bucketKey(b), b]));
  const after = new Map(other.map((b) => [bucketKey(b), b]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.flatMap((key) => {
    const a = before.get(key);
    const b = after.get(key);
    const any = (a ?? b) as ReconciliationBucket;
    const fields = a && b ? compared.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f])) : [];
    if (a && b && fields.length === 0) return [];
    return [
      {
        key,
        guaranteeId: any.guaranteeId,
        metric: any.metric,
        change: !a ? 'added' : !b ? 'removed' : 'changed',
        fields: [...fields],
        base: side(a),
        other: side(b),
      } as const,
    ];
  });
}

const change = (base: string, other: string) => ({
  base,
  other,
  delta: fromCents(toCents(other) - toCents(base)),
});

/** The owed figures of two runs and what changed between them. */
export const diffOwed = (base: ReconciliationSummary, other: ReconciliationSummary): RunDiff['summary'] => ({
  guaranteeShortfall: change(base.guaranteeShortfall, other.guaranteeShortfall),
  auditImpact: change(base.auditImpact, other.auditImpact),
  totalOwed: change(base.totalOwed, other.totalOwed),
});
