import { addDays, segmentStarts, termsInForce } from './terms-in-force';
import { standardBrandGenericDefinition, type BrandGenericDefinition } from './brand-generic-definition';
import type { Channel, ClaimExclusion, ContractGuarantee, DrugType } from '@leaf/contracts';

/** A guarantee as the engine uses it: the contract term plus the offset group it may net within. */
export interface PlannedGuarantee extends ContractGuarantee {
  /** Terms sharing a group net surplus against shortfall before anything is owed; null: no offset. */
  readonly offsetGroup: string | null;
  /**
   * What an aggregate term does with claim dollars a per-claim finding recovers: `deduct` them
   * before its shortfall (the default: no dollar is owed twice) or `keep` them, where the contract
   * measures the guarantee on every claim as paid; kept overlap is disclosed.
   */
  readonly findingOverlap: FindingOverlapRule;
}

export type FindingOverlapRule = 'deduct' | 'keep';

/** One version of a term over the dates it governs in the period (see termsInForce). */
export interface PlannedTerm extends PlannedGuarantee {
  readonly effectiveFrom: string;
  readonly effectiveTo: string;
  /** The guarantee id, suffixed `@<from>` when the term governs part of the period only. */
  readonly termKey: string;
}

/**
 * What one reconciliation computes, decided before any claim is read: the client and period, the
 * current guarantee versions, and the distinct exclusion sets the aggregate query must sum under.
 */
export interface ReconciliationPlan {
  readonly clientId: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** The versions in force, each over its dates; a term amended mid-period appears once per stretch. */
  readonly guarantees: readonly PlannedTerm[];
  /**
   * Where the aggregate query splits the period (sorted; empty when every term spans it): segment
   * k runs from the k-th start (the period start for k = 0) to the day before the next.
   */
  readonly segmentStarts: readonly string[];
  /** Each distinct exclusion list (sorted), in first-seen order; guarantees refer to them by index. */
  readonly exclusionSets: readonly (readonly ClaimExclusion[])[];
  /**
   * The set excluding every flag (U&C-priced, compound, 340B): its sums are the summary's eligible
   * claims, AWP and ingredient cost. Added to `exclusionSets` when no term uses it.
   */
  readonly eligibleSet: number;
  /** Per-claim fee ceilings, one per channel (or every channel when the term's channel is null). */
  readonly feeGuarantees: readonly PlannedTerm[];
  /**
   * True when no claim can fall under two per-claim fee terms (their channel x drug type scopes are
   * disjoint) and they share one exclusion set: the aggregate query then sums the fee excess once,
   * against each claim's own ceiling, instead of once per term.
   */
  readonly sharedFeeCeiling: boolean;
  /** Channels whose fills should be 90-day supplies. */
  readonly ninetyDayChannels: readonly Channel[];
  /** How brand and generic are re-derived from MONY and DAW for the reclassification check. */
  readonly brandGeneric: BrandGenericDefinition;
  /**
   * The aggregate AWP discount terms a reclassified claim is measured against: the term of its
   * channel and re-derived type in force on its fill date.
   */
  readonly discountTerms: readonly PlannedTerm[];
}

/**
 * A fill of the same GPI for the same member (any pharmacy, any NDC) before this share of the
 * previous fill's days supply has elapsed is a refill too soon: the usual 75% refill edit.
 */
export const refillTooSoonPercent = 75;

/**
 * The most days one fill may supply in each channel (a 30-day benefit with a few days' tolerance,
 * a 90-day one likewise). Days beyond it are implausible: the plan paid for supply its benefit
 * does not cover, so their share of the ingredient cost is recoverable.
 */
export const maximumDaysSupply: Readonly<Record<Channel, number>> = {
  retail30: 34,
  retail90: 102,
  mail: 102,
  specialty: 34,
};

/**
 * DAW codes under which the member chose the brand although a generic was allowed: on a
 * multi-source brand (a generic exists) the plan design charges the member the brand's cost above
 * the generic's (the DAW penalty), so a plan that paid that difference paid the member's share.
 */
export const dawPenaltyCodes: readonly number[] = [2];

/** Multi-source brands: MONY M (co-licensed) and O (originator) have a generic to compare with. */
export const multiSourceBrandMony: readonly string[] = ['M', 'O'];

/** Claims in these channels with fewer days than this are short fills of a 90-day benefit. */
export const ninetyDayMinimumDays = 84;

/** The claim flags that can exclude a claim (reversals are never counted at all). */
export const claimFlagExclusions: readonly ClaimExclusion[] = ['uc_priced', 'compound', '340b'];

export const exclusionKey = (exclusions: readonly ClaimExclusion[]): string => [...exclusions].sort().join(',');

/**
 * Plans a run from every version of the period's terms: which version governs which dates, the
 * segments the aggregate query must split the period into, and the exclusion sets it must sum.
 */
export function planReconciliation(input: {
  clientId: string;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  guarantees: readonly PlannedGuarantee[];
}): ReconciliationPlan {
  const ordered = termsInForce(input.guarantees, input.periodStart, input.periodEnd);
  // Reversals are never counted by any term: a reversed claim and its reversal both drop out.
  const sets = new Map<string, readonly ClaimExclusion[]>();
  for (const g of ordered) {
    const set = [...g.exclusions].filter((e) => e !== 'reversal').sort();
    sets.set(set.join(','), set);
  }
  const every = [...claimFlagExclusions].sort();
  sets.set(every.join(','), sets.get(every.join(',')) ?? every);
  const exclusionSets = [...sets.values()];
  const feeGuarantees = ordered.filter((g) => g.metric === 'dispensing_fee' && g.method === 'per_claim');
  return {
    clientId: input.clientId,
    periodId: input.periodId,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    guarantees: ordered,
    segmentStarts: segmentStarts(ordered, input.periodStart, input.periodEnd),
    exclusionSets,
    eligibleSet: exclusionSets.findIndex((s) => exclusionKey(s) === every.join(',')),
    feeGuarantees,
    sharedFeeCeiling: feeGuarantees.every(
      (g, i) => exclusionKey(g.exclusions) === exclusionKey(feeGuarantees[0]?.exclusions ?? []) && feeGuarantees.slice(i + 1).every((h) => !termsMeet(g, h)),
    ),
    ninetyDayChannels: ['retail90', 'mail'],
    brandGeneric: standardBrandGenericDefinition,
    discountTerms: ordered.filter((g) => g.metric === 'awp_discount' && g.method === 'aggregate'),
  };
}

/** The dates of segment `k` of the plan. */
export function segmentRange(plan: Pick<ReconciliationPlan, 'segmentStarts' | 'periodStart' | 'periodEnd'>, k: number): readonly [string, string] {
  const from = k === 0 ? plan.periodStart : (plan.segmentStarts[k - 1] as string);
  const next = plan.segmentStarts[k];
  return [from, next === undefined ? plan.periodEnd : addDays(next, -1)];
}

/** Whether a term governs segment `k` (segments never straddle a term's bounds). */
export function termCoversSegment(
  plan: Pick<ReconciliationPlan, 'segmentStarts' | 'periodStart' | 'periodEnd'>,
  g: Pick<PlannedTerm, 'effectiveFrom' | 'effectiveTo'>,
  k: number,
): boolean {
  const [from, to] = segmentRange(plan, k);
  return g.effectiveFrom <= from && to <= g.effectiveTo;
}

/** Whether a term governs a claim filled on `date`. */
export const termCoversDate = (g: Pick<PlannedTerm, 'effectiveFrom' | 'effectiveTo'>, date: string): boolean =>
  g.effectiveFrom <= date && date <= g.effectiveTo;

/** Whether two terms can hold the same claim: their scopes and their dates meet. */
export const termsMeet = (
  a: Pick<PlannedTerm, 'channel' | 'drugType' | 'effectiveFrom' | 'effectiveTo'>,
  b: Pick<PlannedTerm, 'channel' | 'drugType' | 'effectiveFrom' | 'effectiveTo'>,
): boolean => scopesMeet(a, b) && a.effectiveFrom <= b.effectiveTo && b.effectiveFrom <= a.effectiveTo;

export function exclusionSetIndex(plan: ReconciliationPlan, g: PlannedGuarantee): number {
  const key = exclusionKey(g.exclusions.filter((e) => e !== 'reversal'));
  return plan.exclusionSets.findIndex((s) => exclusionKey(s) === key);
}

/** Whether two terms' channel x drug type scopes share any claim (null covers every value). */
export const scopesMeet = (a: { channel: Channel | null; drugType: DrugType | null }, b: { channel: Channel | null; drugType: DrugType | null }): boolean =>
  (a.channel === null || b.channel === null || a.channel === b.channel) && (a.drugType === null || b.drugType === null || a.drugType === b.drugType);

export const matchesBucket = (g: { channel: Channel | null; drugType: DrugType | null }, channel: Channel, drugType: DrugType): boolean =>
  (g.channel === null || g.channel === channel) && (g.drugType === null || g.drugType === drugType);
