import type {
  Channel,
  ClaimExclusion,
  ContractGuarantee,
  DrugType,
} from '@leaf/contracts';

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

/**
 * What one reconciliation computes, decided before any claim is read: the client and period, the
 * current guarantee versions, and the distinct exclusion sets the aggregate query must sum under.
 */
export interface ReconciliationPlan {
  readonly clientId: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly guarantees: readonly PlannedGuarantee[];
  /** Each distinct exclusion list (sorted), in first-seen order; guarantees refer to them by index. */
  readonly exclusionSets: readonly (readonly ClaimExclusion[])[];
  /**
   * The set excluding every flag (U&C-priced, compound, 340B): its sums are the summary's eligible
   * claims, AWP and ingredient cost. Added to `exclusionSets` when no term uses it.
   */
  readonly eligibleSet: number;
  /** Per-claim fee ceilings, one per channel (or every channel when the term's channel is null). */
  readonly feeGuarantees: readonly PlannedGuarantee[];
  /**
   * True when no claim can fall under two per-claim fee terms (their channel x drug type scopes are
   * disjoint) and they share one exclusion set: the aggregate query then sums the fee excess once,
   * against each claim's own ceiling, instead of once per term.
   */
  readonly sharedFeeCeiling: boolean;
  /** Channels whose fills should be 90-day supplies. */
  readonly ninetyDayChannels: readonly Channel[];
}

/** Claims in these channels with fewer days than this are short fills of a 90-day benefit. */
export const ninetyDayMinimumDays = 84;

/** The claim flags that can exclude a claim (reversals are never counted at all). */
export const claimFlagExclusions: readonly ClaimExclusion[] = [
  'uc_priced',
  'compound',
  '340b',
];

export const exclusionKey = (exclusions: readonly ClaimExclusion[]): string =>
  [...exclusions].sort().join(',');

export function planReconciliation(input: {
  clientId: string;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  guarantees: readonly PlannedGuarantee[];
}): ReconciliationPlan {
  // Reversals are never counted by any term: a reversed claim and its reversal both drop out.
  const sets = new Map<string, readonly ClaimExclusion[]>();
  const ordered = [...input.guarantees].sort((a, b) =>
    a.guaranteeId < b.guaranteeId ? -1 : a.guaranteeId > b.guaranteeId ? 1 : 0,
  );
  for (const g of ordered) {
    const set = [...g.exclusions].filter((e) => e !== 'reversal').sort();
    sets.set(set.join(','), set);
  }
  const every = [...claimFlagExclusions].sort();
  sets.set(every.join(','), sets.get(every.join(',')) ?? every);
  const exclusionSets = [...sets.values()];
  const feeGuarantees = ordered.filter(
    (g) => g.metric === 'dispensing_fee' && g.method === 'per_claim',
  );
  return {
    clientId: input.clientId,
    periodId: input.periodId,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    guarantees: ordered,
    exclusionSets,
    eligibleSet: exclusionSets.findIndex(
      (s) => exclusionKey(s) === every.join(','),
    ),
    feeGuarantees,
    sharedFeeCeiling: feeGuarantees.every(
      (g, i) =>
        exclusionKey(g.exclusions) ===
          exclusionKey(feeGuarantees[0]?.exclusions ?? []) &&
        feeGuarantees.slice(i + 1).every((h) => !scopesMeet(g, h)),
    ),
    ninetyDayChannels: ['retail90', 'mail'],
  };
}

export function exclusionSetIndex(
  plan: ReconciliationPlan,
  g: PlannedGuarantee,
): number {
  const key = exclusionKey(g.exclusions.filter((e) => e !== 'reversal'));
  return plan.exclusionSets.findIndex((s) => exclusionKey(s) === key);
}

/** Whether two terms' channel x drug type scopes share any claim (null covers every value). */
export const scopesMeet = (
  a: { channel: Channel | null; drugType: DrugType | null },
  b: { channel: Channel | null; drugType: DrugType | null },
): boolean =>
  (a.channel === null || b.channel === null || a.channel === b.channel) &&
  (a.drugType === null || b.drugType === null || a.drugType === b.drugType);

export const matchesBucket = (
  g: { channel: Channel | null; drugType: DrugType | null },
  channel: Channel,
  drugType: DrugType,
): boolean =>
  (g.channel === null || g.channel === channel) &&
  (g.drugType === null || g.drugType === drugType);
