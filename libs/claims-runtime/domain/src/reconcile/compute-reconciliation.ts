import type { BucketMoved, EvidenceRef, Finding, ReconciliationBucket } from '@leaf/contracts';
import { fromCents, toCents } from '@leaf/contracts';
import type { BucketAggregate, ExclusionSetSums } from './bucket-aggregate';
import { adjustsForFindings, movedClaims, movedSumsFor, type ClaimRecovery, type MovedClaim } from './finding-recoveries';
import {
  addMoney,
  average,
  awpVarianceMicroCents,
  divideHalfUp,
  effectiveDiscount,
  feeVarianceMicroCents,
  maxZero,
  microCentsToMoney,
  timesCount,
} from './money-math';
import { exclusionSetIndex, matchesBucket, termCoversSegment, type PlannedTerm, type ReconciliationPlan } from './reconciliation-plan';

export interface GuaranteeOutcome {
  readonly bucket: ReconciliationBucket;
  /** Unrounded variance, so offset groups net exactly before rounding once. */
  readonly varianceMicroCents: bigint;
}

export interface ReconciliationTotals {
  readonly buckets: readonly ReconciliationBucket[];
  /** One finding per aggregate term (or offset group) that is owed money after offsets. */
  readonly shortfallFindings: readonly Finding[];
  /** The terms behind each shortfall finding, by finding id (their claims are its evidence). */
  readonly shortfallTerms: ReadonlyMap<string, readonly PlannedTerm[]>;
  /** Aggregate shortfall after offsets plus per-claim fee excess. */
  readonly guaranteeShortfall: string;
  readonly netClaims: number;
  readonly excludedClaims: number;
  readonly awp: string;
  readonly ingredientCost: string;
  readonly eligibleAwp: string;
  readonly eligibleIngredientCost: string;
  /** Finding dollars deducted from terms, and kept in terms that keep them (disclosed). */
  readonly findingOverlap: { readonly deducted: string; readonly kept: string };
}

/** An aggregate row belongs to a term when its cell and its segment of the period do. */
const rowInTerm = (plan: ReconciliationPlan, g: PlannedTerm, r: BucketAggregate): boolean =>
  matchesBucket(g, r.channel, r.drugType) && termCoversSegment(plan, g, r.segment);

const zeroSums: ExclusionSetSums = {
  claims: 0,
  awp: '0.00',
  ingredientCost: '0.00',
  dispensingFee: '0.00',
};

function sumsFor(plan: ReconciliationPlan, g: PlannedTerm, rows: readonly BucketAggregate[]): ExclusionSetSums {
  const k = exclusionSetIndex(plan, g);
  return rows
    .filter((r) => rowInTerm(plan, g, r))
    .map((r) => r.sets[k] ?? zeroSums)
    .reduce(
      (s, r) => ({
        claims: s.claims + r.claims,
        awp: addMoney(s.awp, r.awp),
        ingredientCost: addMoney(s.ingredientCost, r.ingredientCost),
        dispensingFee: addMoney(s.dispensingFee, r.dispensingFee),
      }),
      zeroSums,
    );
}

/**
 * The term's sums, less the finding dollars it must not count again (its `deduct` rule), and what
 * moved; terms that are owed claim by claim or not owed at all are left as they are.
 */
function measuredSums(g: PlannedTerm, gross: ExclusionSetSums, moved: readonly MovedClaim[]): { sums: ExclusionSetSums; moved: BucketMoved | null } {
  if (!adjustsForFindings(g)) return { sums: gross, moved: null };
  const m = movedSumsFor(g, moved);
  const deduct = g.findingOverlap === 'deduct';
  const record: BucketMoved = {
    rule: deduct ? 'deducted' : 'kept',
    claimCount: m.claims,
    removedClaims: deduct ? m.removedClaims : 0,
    awp: fromCents(m.awp),
    ingredientCostPaid: fromCents(m.ingredientCost),
    dispensingFeePaid: fromCents(m.dispensingFee),
  };
  if (!deduct) return { sums: gross, moved: record };
  return {
    moved: record,
    sums: {
      claims: gross.claims - m.removedClaims,
      awp: fromCents(toCents(gross.awp) - m.awp),
      ingredientCost: fromCents(toCents(gross.ingredientCost) - m.ingredientCost),
      dispensingFee: fromCents(toCents(gross.dispensingFee) - m.dispensingFee),
    },
  };
}

function outcomeOf(plan: ReconciliationPlan, g: PlannedTerm, rows: readonly BucketAggregate[], recovered: readonly MovedClaim[]): GuaranteeOutcome {
  const { sums: s, moved } = measuredSums(g, sumsFor(plan, g, rows), recovered);
  const base = {
    guaranteeId: g.guaranteeId,
    guaranteeVersion: g.version,
    effectiveFrom: g.effectiveFrom,
    effectiveTo: g.effectiveTo,
    metric: g.metric,
    channel: g.channel,
    drugType: g.drugType,
    claimCount: s.claims,
    awp: s.awp,
    ingredientCostPaid: s.ingredientCost,
    dispensingFeePaid: s.dispensingFee,
    guaranteedValue: g.guaranteedValue,
    evidence: g.evidence,
    moved,
  };
  if (g.metric === 'awp_discount') {
    const micro = awpVarianceMicroCents(g.guaranteedValue, s.awp, s.ingredientCost);
    const variance = microCentsToMoney(micro);
    return {
      varianceMicroCents: micro,
      bucket: {
        ...base,
        effectiveValue: effectiveDiscount(s.awp, s.ingredientCost),
        variance,
        shortfall: maxZero(variance),
        note: null,
      },
    };
  }
  if (g.metric === 'dispensing_fee') {
    const micro = feeVarianceMicroCents(g.guaranteedValue, s.dispensingFee, s.claims);
    const variance = microCentsToMoney(micro);
    // A per-claim ceiling is owed claim by claim: fees below the ceiling on some claims do not
    // pay for fees above it on others.
    const f = plan.feeGuarantees.indexOf(g);
    const excess =
      f >= 0 ? rows.filter((r) => rowInTerm(plan, g, r)).reduce((sum, r) => addMoney(sum, r.feeExcess[f]?.amount ?? '0.00'), '0.00') : maxZero(variance);
    return {
      varianceMicroCents: g.method === 'per_claim' ? toCents(excess) * 1_000_000n : micro,
      bucket: {
        ...base,
        effectiveValue: average(s.dispensingFee, s.claims),
        variance,
        shortfall: g.method === 'per_claim' ? excess : maxZero(variance),
        note: null,
      },
    };
  }
  // Rebates are paid by the PBM outside the claim stream: the claims give the guaranteed minimum,
  // not what was received, so nothing is owed on claims evidence alone.
  return {
    varianceMicroCents: 0n,
    bucket: {
      ...base,
      effectiveValue: null,
      variance: '0.00',
      shortfall: '0.00',
      note: `guaranteed minimum ${timesCount(g.guaranteedValue, s.claims)} over ${s.claims} brand claims; rebates received are not in the claims source`,
    },
  };
}

const shortfallFinding = (id: string, terms: readonly PlannedTerm[], outcomes: readonly GuaranteeOutcome[], owed: string, detail: string): Finding => ({
  findingId: id,
  kind: 'guarantee_shortfall',
  claimId: null,
  guaranteeId: terms.length === 1 ? (terms[0] as PlannedTerm).guaranteeId : null,
  channel: terms.length === 1 ? (terms[0] as PlannedTerm).channel : null,
  drugType: terms.length === 1 ? (terms[0] as PlannedTerm).drugType : null,
  impact: owed,
  detail,
  claimCount: outcomes.reduce((n, o) => n + o.bucket.claimCount, 0),
  evidence: terms.map((t): EvidenceRef => t.evidence),
});

/**
 * Buckets, offsets and shortfall findings from the aggregate rows: pure, exact, and in a fixed order
 * (guarantee id), so the same rows always give the same figures. The dollars the per-claim
 * findings recover leave the aggregate terms first (unless a term keeps them), so no claim's dollar
 * is owed twice. Aggregate terms in one offset group net their unrounded variances before anything
 * is owed; per-claim terms never offset.
 */
export function computeReconciliation(
  plan: ReconciliationPlan,
  rows: readonly BucketAggregate[],
  recoveries: readonly ClaimRecovery[] = [],
): ReconciliationTotals {
  const recovered = movedClaims(recoveries);
  const outcomes = plan.guarantees.map((g) => outcomeOf(plan, g, rows, recovered));
  const findings: Finding[] = [];
  let owedCents = 0n;

  const shortfallTerms = new Map<string, readonly PlannedTerm[]>();
  const groups = new Map<string, number[]>();
  plan.guarantees.forEach((g, i) => {
    if (g.metric === 'rebate_per_brand_claim') return;
    if (g.method === 'per_claim') {
      owedCents += toCents((outcomes[i] as GuaranteeOutcome).bucket.shortfall);
      return;
    }
    const key = g.offsetGroup ? `group:${g.offsetGroup}` : `term:${g.termKey}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const [key, members] of groups) {
    const terms = members.map((i) => plan.guarantees[i] as PlannedTerm);
    const memberOutcomes = members.map((i) => outcomes[i] as GuaranteeOutcome);
    const net = memberOutcomes.reduce((s, o) => s + o.varianceMicroCents, 0n);
    const owed = net > 0n ? divideHalfUp(net, 1_000_000n) : 0n;
    if (owed <= 0n) continue;
    owedCents += owed;
    const grouped = key.startsWith('group:');
    const detail = grouped
      ? `offset group ${key.slice(6)} (${terms.map((t) => t.guaranteeId).join(', ')}) nets to a shortfall of ${fromCents(owed)}`
      : `${terms[0]?.metric} guaranteed ${terms[0]?.guaranteedValue}, delivered ${memberOutcomes[0]?.bucket.effectiveValue ?? 'n/a'}: shortfall ${fromCents(owed)}`;
    shortfallTerms.set(`shortfall:${key}`, terms);
    findings.push(shortfallFinding(`shortfall:${key}`, terms, memberOutcomes, fromCents(owed), detail));
  }

  // A discount term measures ingredient cost, a fee term the fee: each moved dollar once.
  const overlap = (rule: BucketMoved['rule']) =>
    fromCents(
      outcomes.reduce((s, { bucket: b }) => {
        if (b.moved?.rule !== rule) return s;
        return s + toCents(b.metric === 'awp_discount' ? b.moved.ingredientCostPaid : b.moved.dispensingFeePaid);
      }, 0n),
    );
  return {
    findingOverlap: { deducted: overlap('deducted'), kept: overlap('kept') },
    buckets: outcomes.map((o) => o.bucket),
    shortfallFindings: findings,
    shortfallTerms,
    guaranteeShortfall: fromCents(owedCents),
    netClaims: rows.reduce((n, r) => n + r.netClaims, 0),
    excludedClaims: rows.reduce((n, r) => n + r.excludedClaims, 0),
    awp: rows.reduce((s, r) => addMoney(s, r.awp), '0.00'),
    ingredientCost: rows.reduce((s, r) => addMoney(s, r.ingredientCost), '0.00'),
    eligibleAwp: rows.reduce((s, r) => addMoney(s, r.eligibleAwp), '0.00'),
    eligibleIngredientCost: rows.reduce((s, r) => addMoney(s, r.eligibleIngredientCost), '0.00'),
  };
}
