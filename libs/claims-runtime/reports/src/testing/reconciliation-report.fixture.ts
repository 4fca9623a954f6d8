import { createHash } from 'node:crypto';
import {
  channels,
  drugTypes,
  fromCents,
  fromUnits,
  toCents,
  toUnits,
  type Channel,
  type DrugType,
  type Finding,
  type FindingKind,
  type ReconciliationBucket,
} from '@leaf/contracts';
import { groupBuckets, owedFigures, type ReconciliationReport } from '@leaf/claims-runtime/domain';

export interface ReportFixtureOptions {
  /** Per-claim audit findings to generate (streamed, never held in memory). Default 240. */
  readonly claimFindings?: number;
  readonly clientId?: string;
  readonly clientName?: string;
  readonly seed?: number;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A small deterministic generator (mulberry32) so the same options give the same report. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const guaranteedDiscount: Record<Channel, Record<DrugType, string>> = {
  retail30: { brand: '0.175', generic: '0.8' },
  retail90: { brand: '0.2', generic: '0.82' },
  mail: { brand: '0.23', generic: '0.85' },
  specialty: { brand: '0.16', generic: '0.5' },
};
/** Delivered discount in basis points off the guarantee: some buckets short, some above. */
const deliveredDelta: Record<Channel, Record<DrugType, number>> = {
  retail30: { brand: -85, generic: -140 },
  retail90: { brand: 40, generic: -55 },
  mail: { brand: -20, generic: 65 },
  specialty: { brand: -110, generic: 0 },
};
const claimFindingKinds: readonly FindingKind[] = ['paid_above_uc', 'ingredient_above_awp', 'fee_above_contract', 'duplicate_fill', 'short_days_supply_90'];

/** cents × rate (6 places) rounded half away from zero to cents. */
function centsTimesRate(cents: bigint, rate: string): bigint {
  const product = cents * toUnits(rate, 6);
  const half = 500_000n * (product < 0n ? -1n : 1n);
  return (product + half) / 1_000_000n;
}

function buildBuckets(periodId: string, next: () => number): ReconciliationBucket[] {
  const buckets: ReconciliationBucket[] = [];
  let cell = 7;
  for (const channel of channels) {
    for (const drugType of drugTypes) {
      const claimCount = 400 + Math.floor(next() * 9_000);
      const awpCents = BigInt(claimCount) * BigInt(4_000 + Math.floor(next() * (drugType === 'brand' ? 90_000 : 9_000)));
      const guaranteed = guaranteedDiscount[channel][drugType];
      const effectiveUnits = toUnits(guaranteed, 6) + BigInt(deliveredDelta[channel][drugType]) * 100n;
      const effective = fromUnits(effectiveUnits, 6);
      const ingredientCents = awpCents - centsTimesRate(awpCents, effective);
      const variance = centsTimesRate(awpCents, fromUnits(toUnits(guaranteed, 6) - effectiveUnits, 6));
      buckets.push({
        guaranteeId: `g-${periodId}-${channel}-${drugType}`,
        guaranteeVersion: 1,
        effectiveFrom: '2025-01-01',
        effectiveTo: '2025-12-31',
        metric: 'awp_discount',
        channel,
        drugType,
        claimCount,
        awp: fromCents(awpCents),
        ingredientCostPaid: fromCents(ingredientCents),
        dispensingFeePaid: fromCents(BigInt(claimCount) * 150n),
        guaranteedValue: guaranteed,
        effectiveValue: effective,
        variance: fromCents(variance),
        shortfall: fromCents(variance > 0n ? variance : 0n),
        evidence: {
          sourceSystem: 'synthetic-seed',
          objectId: `packet-${periodId}`,
          sha256: sha(`packet-${periodId}`),
          locator: `Rates!C${cell++}`,
        },
        note: null,
        // About 1% of the claims carry a finding whose recovered cost left the bucket first.
        moved: {
          rule: 'deducted',
          claimCount: Math.floor(claimCount / 100),
          removedClaims: Math.floor(claimCount / 1000),
          awp: fromCents(BigInt(Math.floor(claimCount / 1000)) * 2_500n),
          ingredientCostPaid: fromCents(BigInt(Math.floor(claimCount / 100)) * 731n),
          dispensingFeePaid: '0.00',
        },
      });
    }
  }
  buckets.push({
    guaranteeId: `g-${periodId}-fee-retail30`,
    guaranteeVersion: 2,
    effectiveFrom: '2025-01-01',
    effectiveTo: '2025-12-31',
    metric: 'dispensing_fee',
    channel: 'retail30',
    drugType: null,
    claimCount: 5_120,
    awp: '0.00',
    ingredientCostPaid: '0.00',
    dispensingFeePaid: '8755.20',
    guaranteedValue: '1.5',
    effectiveValue: '1.71',
    variance: '1075.20',
    shortfall: '1075.20',
    evidence: {
      sourceSystem: 'synthetic-seed',
      objectId: `packet-${periodId}`,
      sha256: sha(`packet-${periodId}`),
      locator: 'Fees!B4',
    },
    note: null,
    moved: null,
  });
  buckets.push({
    guaranteeId: `g-${periodId}-rebate`,
    guaranteeVersion: 1,
    effectiveFrom: '2025-01-01',
    effectiveTo: '2025-12-31',
    metric: 'rebate_per_brand_claim',
    channel: null,
    drugType: 'brand',
    claimCount: 3_311,
    awp: '0.00',
    ingredientCostPaid: '0.00',
    dispensingFeePaid: '0.00',
    guaranteedValue: '42.5',
    effectiveValue: null,
    variance: '0.00',
    shortfall: '0.00',
    evidence: {
      sourceSystem: 'synthetic-seed',
      objectId: `packet-${periodId}`,
      sha256: sha(`packet-${periodId}`),
      locator: 'Rebates!D12',
    },
    note: 'rebates are settled from the PBM rebate report, not the claims; informational',
    moved: null,
  });
  return buckets;
}

function* claimFindings(count: number, seed: number, buckets: readonly ReconciliationBucket[]): Generator<Finding> {
  const next = random(seed ^ 0x5eed);
  const awpBuckets = buckets.filter((b) => b.metric === 'awp_discount');
  const feeBucket = buckets.find((b) => b.metric === 'dispensing_fee') as ReconciliationBucket;
  for (let i = 0; i < count; i++) {
    const kind = claimFindingKinds[i % claimFindingKinds.length] as FindingKind;
    const bucket = awpBuckets[Math.floor(next() * awpBuckets.length)] as ReconciliationBucket;
    const claimId = `CLM${String(1_000_000 + i * 7).padStart(10, '0')}`;
    const impact = fromCents(BigInt(1 + Math.floor(next() * 25_000)));
    yield {
      findingId: `${kind}:${claimId}`,
      kind,
      claimId,
      guaranteeId: kind === 'fee_above_contract' ? feeBucket.guaranteeId : null,
      channel: bucket.channel,
      drugType: bucket.drugType,
      impact,
      detail: `${kind.replaceAll('_', ' ')} on ${claimId} (${bucket.channel} ${bucket.drugType})`,
      claimCount: 1,
      evidence: [
        {
          sourceSystem: 'claims-source',
          objectId: claimId,
          sha256: null,
          locator: `claims.claim_id=${claimId}`,
        },
      ],
    };
  }
}

/**
 * A realistic report for the workbook and PDF specs and the bench: 8 AWP buckets (some short,
 * some above guarantee), a fee bucket and an informational rebate bucket, one shortfall finding
 * per short bucket and `claimFindings` per-claim findings. Every total is exact: the findings add
 * up to `summary.totalOwed` to the cent.
 */
export function reconciliationReportFixture(options: ReportFixtureOptions = {}): ReconciliationReport {
  const { claimFindings: claimFindingCount = 240, clientId = 'acme-health', clientName = 'Acme Health Plan', seed = 7 } = options;
  const periodId = 'cp-2025';
  const built = buildBuckets(periodId, random(seed));
  // The per-claim fee term is owed claim by claim: its shortfall is its fee findings' total.
  let feeCents = 0n;
  for (const f of claimFindings(claimFindingCount, seed, built)) if (f.kind === 'fee_above_contract') feeCents += toCents(f.impact);
  const buckets = built.map((b) => (b.metric === 'dispensing_fee' ? { ...b, shortfall: fromCents(feeCents) } : b));
  const shortfallFindings: Finding[] = buckets
    .filter((b) => b.metric === 'awp_discount' && toCents(b.shortfall) > 0n)
    .map((b) => ({
      findingId: `shortfall:${b.guaranteeId}`,
      kind: 'guarantee_shortfall',
      claimId: null,
      guaranteeId: b.guaranteeId,
      channel: b.channel,
      drugType: b.drugType,
      impact: b.shortfall,
      detail: `${b.metric} ${b.channel ?? 'all'} ${b.drugType ?? 'all'}: guaranteed ${b.guaranteedValue}, delivered ${b.effectiveValue ?? 'n/a'}`,
      claimCount: b.claimCount,
      evidence: [b.evidence],
    }));

  const everyFinding = function* () {
    yield* shortfallFindings;
    yield* claimFindings(claimFindingCount, seed, buckets);
  };
  const owed = owedFigures(everyFinding());
  const awpBuckets = buckets.filter((b) => b.metric === 'awp_discount');
  const eligible = awpBuckets.reduce((sum, b) => sum + b.claimCount, 0);
  const eligibleAwpCents = awpBuckets.reduce((s, b) => s + toCents(b.awp), 0n);
  const eligibleCostCents = awpBuckets.reduce((s, b) => s + toCents(b.ingredientCostPaid), 0n);

  const topFindings: Finding[] = [];
  for (const finding of everyFinding()) {
    topFindings.push(finding);
    if (topFindings.length > 10) {
      topFindings.sort((a, b) =>
        toCents(b.impact) > toCents(a.impact) ? 1 : toCents(b.impact) < toCents(a.impact) ? -1 : a.findingId.localeCompare(b.findingId),
      );
      topFindings.length = 10;
    }
  }

  return {
    runId: 'rec_01jd5z8k3m4n5p6q7r8s9t0v1w',
    clientId,
    clientName,
    periodId,
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
    pbmName: 'Meridian Rx Solutions',
    inputsSha256: sha(`inputs:${clientId}:${seed}:${claimFindingCount}`),
    codeVersion: 'claims-engine@1.0.0',
    asOf: 'claims=412345;maxFill=2025-12-31;maxId=CLM0009876543',
    summary: {
      claimCount: eligible + 1_874,
      eligibleClaimCount: eligible,
      excludedClaimCount: 1_874,
      // The excluded claims add AWP and cost that no term measures.
      totalAwp: fromCents(eligibleAwpCents + 18_744_10n),
      totalIngredientCostPaid: fromCents(eligibleCostCents + 9_120_55n),
      eligibleAwp: fromCents(eligibleAwpCents),
      eligibleIngredientCostPaid: fromCents(eligibleCostCents),
      guaranteeShortfall: owed.guaranteeShortfall,
      auditImpact: owed.auditImpact,
      totalOwed: owed.totalOwed,
      findingTotals: [...owed.findingTotals],
      findingOverlap: {
        deducted: fromCents(buckets.reduce((s, b) => s + toCents(b.moved?.ingredientCostPaid ?? '0.00'), 0n)),
        kept: '0.00',
      },
    },
    buckets,
    bucketGroups: groupBuckets(buckets),
    findingTotals: owed.findingTotals,
    topFindings,
    findings: async function* () {
      yield* everyFinding();
    },
    evidence: [
      {
        name: 'run-inputs.json',
        sha256: sha(`run-inputs:${seed}`),
        reference: `lake:sha256/${sha(`run-inputs:${seed}`)}`,
      },
      {
        name: 'findings-evidence.json',
        sha256: sha(`findings:${seed}`),
        reference: `lake:sha256/${sha(`findings:${seed}`)}`,
      },
      {
        name: 'Acme 2025 PBM agreement.pdf',
        sha256: sha(`packet-${periodId}`),
        reference: `contract-packet:packet-${periodId} (Rates, Fees, Rebates)`,
      },
    ],
  };
}

/** A run with no buckets, findings or evidence: every renderer must still produce a valid file. */
export function emptyReport(): ReconciliationReport {
  const base = reconciliationReportFixture({ claimFindings: 0 });
  return {
    ...base,
    summary: {
      claimCount: 0,
      eligibleClaimCount: 0,
      excludedClaimCount: 0,
      totalAwp: '0.00',
      totalIngredientCostPaid: '0.00',
      eligibleAwp: '0.00',
      eligibleIngredientCostPaid: '0.00',
      guaranteeShortfall: '0.00',
      auditImpact: '0.00',
      totalOwed: '0.00',
      findingTotals: [],
      findingOverlap: { deducted: '0.00', kept: '0.00' },
    },
    buckets: [],
    bucketGroups: [],
    findingTotals: [],
    topFindings: [],
    findings: async function* () {
      // no findings
    },
    evidence: [],
  };
}
