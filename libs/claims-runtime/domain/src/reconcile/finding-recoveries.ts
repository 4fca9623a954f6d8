import { toCents, type Channel, type ClaimExclusion, type DrugType, type FindingKind } from '@leaf/contracts';
import { matchesBucket, termCoversDate, type PlannedTerm } from './reconciliation-plan';

/**
 * One per-claim finding with the figures of its claim: enough to take the dollars it recovers out
 * of the aggregate terms that also measure that claim.
 */
export interface ClaimRecovery {
  readonly kind: Exclude<FindingKind, 'guarantee_shortfall'>;
  readonly claimId: string;
  readonly channel: Channel;
  readonly drugType: DrugType;
  readonly fillDate: string;
  /** The exclusion flags the claim carries (U&C-priced, compound, 340B). */
  readonly flags: readonly ClaimExclusion[];
  readonly awp: string;
  readonly ingredientCost: string;
  readonly dispensingFee: string;
  /** What the finding recovers. */
  readonly impact: string;
}

/** The per-claim findings whose dollars come off the claim's ingredient cost. */
const ingredientCostKinds: ReadonlySet<ClaimRecovery['kind']> = new Set([
  'ingredient_above_awp',
  'brand_generic_reclass',
  'implausible_days_supply',
  'daw_penalty',
]);

/** What the findings of one claim take out of the guarantee math, in cents. */
export interface MovedClaim {
  readonly claimId: string;
  readonly channel: Channel;
  readonly drugType: DrugType;
  readonly fillDate: string;
  readonly flags: readonly ClaimExclusion[];
  /** A duplicate fill: the whole claim leaves (it should not have been paid at all). */
  readonly removed: boolean;
  readonly awp: bigint;
  readonly ingredientCost: bigint;
  readonly dispensingFee: bigint;
}

/**
 * Each claim's recovered dollars, by where they were paid. A duplicate takes the whole claim out;
 * an ingredient cost above AWP, a reclassified claim's cost above its re-derived type's
 * discount, the cost of days beyond the channel's maximum supply and an unapplied DAW penalty
 * come off the ingredient cost; paid above U&C comes off the
 * ingredient cost first and the fee for any rest; a short 90-day supply's extra fee and a fee above
 * its per-claim ceiling come off the fee. A claim's findings never overlap each other (the audit
 * caps the fee they use at the contracted fee), so their sums never exceed what the claim paid.
 */
export function movedClaims(recoveries: readonly ClaimRecovery[]): MovedClaim[] {
  const byClaim = new Map<string, ClaimRecovery[]>();
  for (const r of recoveries) byClaim.set(r.claimId, [...(byClaim.get(r.claimId) ?? []), r]);
  return [...byClaim.values()]
    .map((of) => {
      const c = of[0] as ClaimRecovery;
      const paidIc = toCents(c.ingredientCost);
      const base = {
        claimId: c.claimId,
        channel: c.channel,
        drugType: c.drugType,
        fillDate: c.fillDate,
        flags: c.flags,
      };
      // A duplicate or a refill too soon should not have been paid at all: the claim leaves whole.
      if (of.some((r) => r.kind === 'duplicate_fill' || r.kind === 'refill_too_soon'))
        return {
          ...base,
          removed: true,
          awp: toCents(c.awp),
          ingredientCost: paidIc,
          dispensingFee: toCents(c.dispensingFee),
        };
      let ic = 0n;
      let fee = 0n;
      for (const r of of) {
        const impact = toCents(r.impact);
        // These recover ingredient cost paid above what it should be: above AWP, above the
        // re-derived type's discount, for days beyond the channel's maximum, the member's DAW penalty.
        if (ingredientCostKinds.has(r.kind)) ic += impact;
        else if (r.kind === 'paid_above_uc') {
          const fromIc = impact < paidIc ? impact : paidIc;
          ic += fromIc;
          fee += impact - fromIc;
        } else fee += impact;
      }
      return {
        ...base,
        removed: false,
        awp: 0n,
        ingredientCost: ic,
        dispensingFee: fee,
      };
    })
    .sort((a, b) => (a.claimId < b.claimId ? -1 : 1));
}

/** Whether the term measures this claim: its channel, drug type and dates, and none of its exclusions. */
export const termMeasures = (g: PlannedTerm, c: Pick<MovedClaim, 'channel' | 'drugType' | 'flags' | 'fillDate'>): boolean =>
  matchesBucket(g, c.channel, c.drugType) && termCoversDate(g, c.fillDate) && !c.flags.some((f) => g.exclusions.includes(f));

/** The terms whose sums a finding's dollars are taken out of: aggregate discount and fee terms. */
export const adjustsForFindings = (g: PlannedTerm): boolean => g.method === 'aggregate' && (g.metric === 'awp_discount' || g.metric === 'dispensing_fee');

export interface MovedSums {
  /** Claims whose recovered dollars were in the term's sums. */
  readonly claims: number;
  /** Of those, duplicates taken out whole. */
  readonly removedClaims: number;
  readonly awp: bigint;
  readonly ingredientCost: bigint;
  readonly dispensingFee: bigint;
}

export function movedSumsFor(g: PlannedTerm, moved: readonly MovedClaim[]): MovedSums {
  let claims = 0;
  let removedClaims = 0;
  let awp = 0n;
  let ingredientCost = 0n;
  let dispensingFee = 0n;
  for (const c of moved) {
    if (!termMeasures(g, c)) continue;
    claims += 1;
    if (c.removed) removedClaims += 1;
    awp += c.awp;
    ingredientCost += c.ingredientCost;
    dispensingFee += c.dispensingFee;
  }
  return { claims, removedClaims, awp, ingredientCost, dispensingFee };
}
