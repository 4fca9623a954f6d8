import { fromUnits, roundDecimal, toUnits } from '@leaf/contracts';
import type { ReconciliationBucket } from '@leaf/contracts';

/**
 * A rebate term's guaranteed minimum in dollars: the rate per brand claim times the claims it
 * covers, exact, rounded half away from zero to the cent once. Null for other metrics.
 */
export function rebateMinimum(bucket: ReconciliationBucket): string | null {
  if (bucket.metric !== 'rebate_per_brand_claim') return null;
  const units = toUnits(bucket.guaranteedValue, 6) * BigInt(bucket.claimCount);
  return roundDecimal(fromUnits(units, 6), 2);
}
