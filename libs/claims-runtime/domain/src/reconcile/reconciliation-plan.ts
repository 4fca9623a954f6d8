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
    feeGuarantees: ordered.filter(
      (g) => g.metric === 'dispensing_fee' && g.method === 'per_claim',
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

export const matchesBucket = (
  g: { channel: Channel | null; drugType: DrugType | null },
  channel: Channel,
  drugType: DrugType,
): boolean =>
  (g.channel === null || g.channel === channel) &&
  (g.drugType === null || g.drugType === drugType);
