import { fromCents, guaranteeMetrics, toCents, type BucketGroup, type BucketTotal, type ReconciliationBucket } from '@leaf/contracts';

/** Two scopes share claims when each dimension does (null covers every value). */
const meet = <T>(a: T | null, b: T | null) => a === null || b === null || a === b;

function overlapping(buckets: readonly ReconciliationBucket[]): [ReconciliationBucket, ReconciliationBucket] | null {
  for (let i = 0; i < buckets.length; i++)
    for (let j = i + 1; j < buckets.length; j++) {
      const [a, b] = [buckets[i], buckets[j]] as [ReconciliationBucket, ReconciliationBucket];
      // Two versions of a term over different months never share a claim.
      const sameDates = (a.effectiveFrom ?? '') <= (b.effectiveTo ?? '9999') && (b.effectiveFrom ?? '') <= (a.effectiveTo ?? '9999');
      if (meet(a.channel, b.channel) && meet(a.drugType, b.drugType) && sameDates) return [a, b];
    }
  return null;
}

function totalOf(buckets: readonly ReconciliationBucket[]): BucketTotal {
  const sum = (pick: (b: ReconciliationBucket) => string) => fromCents(buckets.reduce((s, b) => s + toCents(pick(b)), 0n));
  return {
    claimCount: buckets.reduce((n, b) => n + b.claimCount, 0),
    awp: sum((b) => b.awp),
    ingredientCostPaid: sum((b) => b.ingredientCostPaid),
    dispensingFeePaid: sum((b) => b.dispensingFeePaid),
    variance: sum((b) => b.variance),
    shortfall: sum((b) => b.shortfall),
  };
}

/**
 * The buckets by metric, in the metric order of the contract and the bucket order of the run.
 * AWP-discount, fee and rebate buckets all measure the same claims, so there is no total across
 * metrics; within one a total is given only when no claim can fall in two of its buckets.
 */
export function groupBuckets(buckets: readonly ReconciliationBucket[]): BucketGroup[] {
  return guaranteeMetrics.flatMap((metric) => {
    const of = buckets.filter((b) => b.metric === metric);
    if (of.length === 0) return [];
    const pair = overlapping(of);
    return [
      {
        metric,
        guaranteeIds: of.map((b) => b.guaranteeId),
        total: pair ? null : totalOf(of),
        noTotal: pair ? `${pair[0].guaranteeId} and ${pair[1].guaranteeId} cover some of the same claims, so their sums would count those claims twice` : null,
      },
    ];
  });
}
