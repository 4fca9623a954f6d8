import type { Channel, Claim, ClaimExclusion, ContractGuarantee, DrugType } from '@leaf/contracts';
import type { SyntheticSeed } from '../seed/synthetic-seed.factory';
import { fromCents, toCents, toUnits } from '@leaf/contracts';

export type MoneyField = 'awp' | 'ingredientCostPaid' | 'dispensingFeePaid' | 'usualAndCustomary';

/** Exact sums of a money field grouped by a claim attribute, as decimal strings. */
export function sumMoneyBy(claims: Iterable<Claim>, field: MoneyField, key: (claim: Claim) => string): Map<string, string> {
  const sums = new Map<string, bigint>();
  for (const claim of claims) sums.set(key(claim), (sums.get(key(claim)) ?? 0n) + toCents(claim[field]));
  return new Map([...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, cents]) => [k, fromCents(cents)]));
}

export function isExcluded(claim: Claim, exclusions: readonly ClaimExclusion[]): boolean {
  return exclusions.some(
    (exclusion) =>
      (exclusion === 'uc_priced' && claim.isUcPriced) ||
      (exclusion === 'compound' && claim.isCompound) ||
      (exclusion === '340b' && claim.is340b) ||
      (exclusion === 'reversal' && claim.isReversal),
  );
}

export interface AwpDiscountBucket {
  readonly guarantee: ContractGuarantee;
  readonly channel: Channel;
  readonly drugType: DrugType;
  readonly eligibleClaims: number;
  readonly awp: string;
  readonly ingredientCost: string;
  /** `awp_discount` guaranteed minus achieved is positive: money owed to the client. */
  readonly shortfall: boolean;
  /** Shortfall $ = (guaranteed - effective) x AWP = guaranteed x AWP - (AWP - ingredient cost), where positive. */
  readonly shortfallAmount: string;
}

/**
 * The reference reconciliation of every AWP-discount guarantee of a seed, computed from the
 * claim stream with exact integers: eligible claims are the client's claims in the period's
 * channel and drug type that no exclusion of the term removes (reversals net their originals).
 */
export function awpDiscountBuckets(seed: SyntheticSeed): AwpDiscountBucket[] {
  const terms = seed.contractGuarantees.filter((g) => g.metric === 'awp_discount');
  const periods = new Map(seed.contractPeriods.map((p) => [p.periodId, p]));
  const totals = terms.map(() => ({ claims: 0, awp: 0n, ic: 0n }));
  const byKey = new Map<string, number[]>();
  terms.forEach((term, i) => {
    const key = `${term.clientId}|${term.channel}|${term.drugType}`;
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  for (const claim of seed.claims()) {
    for (const i of byKey.get(`${claim.clientId}|${claim.channel}|${claim.drugType}`) ?? []) {
      const term = terms[i] as ContractGuarantee;
      const period = periods.get(term.periodId);
      if (!period || claim.fillDate < period.startDate || claim.fillDate > period.endDate) continue;
      if (isExcluded(claim, term.exclusions)) continue;
      const total = totals[i] as (typeof totals)[number];
      total.claims += 1;
      total.awp += toCents(claim.awp);
      total.ic += toCents(claim.ingredientCostPaid);
    }
  }
  return terms.map((term, i) => {
    const { claims, awp, ic } = totals[i] as (typeof totals)[number];
    // In millionths of a cent: guaranteed rate (6 places) x AWP against the discount actually taken.
    const owed = toUnits(term.guaranteedValue, 6) * awp - (awp - ic) * 1_000_000n;
    const shortfallCents = owed > 0n ? (owed + 500_000n) / 1_000_000n : 0n;
    return {
      guarantee: term,
      channel: term.channel as Channel,
      drugType: term.drugType as DrugType,
      eligibleClaims: claims,
      awp: fromCents(awp),
      ingredientCost: fromCents(ic),
      shortfall: awp > 0n && owed > 0n,
      shortfallAmount: fromCents(shortfallCents),
    };
  });
}
