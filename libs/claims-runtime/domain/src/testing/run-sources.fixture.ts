import type { Finding, FindingKind } from '@leaf/contracts';
import type { PlannedGuarantee, PlannedTerm } from '../reconcile/reconciliation-plan';
import { planReconciliation } from '../reconcile/reconciliation-plan';
import { computeReconciliation } from '../reconcile/compute-reconciliation';
import { recoveriesOf, type AuditRow } from '../reconcile/audit-findings';
import type { BucketAggregate } from '../reconcile/bucket-aggregate';
import type { ClaimRecovery } from '../reconcile/finding-recoveries';
import type { RunSources } from '../outputs/run-documents';

/** A contract term as the plan takes it: a retail30 generic AWP discount of 80% unless overridden. */
export const guarantee = (guaranteeId: string, o: Partial<PlannedGuarantee> = {}): PlannedGuarantee => ({
  guaranteeId,
  clientId: 'client-a',
  periodId: 'py2025',
  version: 1,
  metric: 'awp_discount',
  channel: 'retail30',
  drugType: 'generic',
  guaranteedValue: '0.8',
  method: 'aggregate',
  exclusions: ['uc_priced', 'compound', '340b'],
  evidence: { sourceSystem: 'contract-packet', objectId: `packet-${guaranteeId}`, sha256: `${guaranteeId}-sha`, locator: 'page 3' },
  offsetGroup: null,
  findingOverlap: 'deduct',
  ...o,
});

/** A guarantee in force over the whole of 2025, as the engine plans it. */
export const term = (o: Partial<PlannedTerm> = {}): PlannedTerm => ({
  ...guarantee('g', { evidence: { sourceSystem: 'synthetic-seed', objectId: 'o', sha256: null, locator: 'l' } }),
  effectiveFrom: '2025-01-01',
  effectiveTo: '2025-12-31',
  termKey: 'g',
  ...o,
});

/** A finding of `kind` with no evidence, identified by its id and impact. */
export const finding = (kind: FindingKind, impact: string, id: string = kind): Finding => ({
  findingId: `${id}:${impact}`,
  kind,
  claimId: kind === 'guarantee_shortfall' ? null : 'CLM1',
  guaranteeId: null,
  channel: null,
  drugType: null,
  impact,
  detail: '',
  claimCount: 1,
  evidence: [],
});

/** A per-claim finding's claim: a retail30 generic fill of 2025-03-01 with no exclusion flag. */
export const recovery = (claimId: string, kind: ClaimRecovery['kind'], impact: string, o: Partial<ClaimRecovery> = {}): ClaimRecovery => ({
  kind,
  claimId,
  channel: 'retail30',
  drugType: 'generic',
  fillDate: '2025-03-01',
  flags: [],
  awp: '20.00',
  ingredientCost: '25.00',
  dispensingFee: '2.00',
  impact,
  ...o,
});

/** That claim's audit row, relating to no other claim and naming no term unless told. */
export const auditRow = (kind: AuditRow['kind'], claimId: string, impact: string, o: Partial<AuditRow> = {}): AuditRow => ({
  ...recovery(claimId, kind, impact),
  relatedClaimId: null,
  termIndex: null,
  ...o,
});

/**
 * One year, one cell (retail30 generic, 10 claims, AWP 1,000.00, ingredient cost 250.00: a 75%
 * discount against 80% guaranteed, 50.00 short), a 1.00 per-claim fee ceiling one claim exceeds
 * by 0.50, and per-claim findings on claims the aggregate term does not measure (mail, or codes
 * the mapping does not know), so they move nothing out of it.
 */
export function runSources(o: Partial<RunSources> = {}): RunSources {
  const plan = planReconciliation({
    clientId: 'client-a',
    periodId: 'py2025',
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
    guarantees: [
      guarantee('awp-r30-generic'),
      guarantee('fee-every-channel', { metric: 'dispensing_fee', channel: null, drugType: null, guaranteedValue: '1.00', method: 'per_claim' }),
    ],
  });
  const sums = { claims: 10, awp: '1000.00', ingredientCost: '250.00', dispensingFee: '10.50' };
  const aggregates: BucketAggregate[] = [
    {
      channel: 'retail30',
      drugType: 'generic',
      segment: 0,
      netClaims: 12,
      excludedClaims: 2,
      eligibleAwp: '1000.00',
      eligibleIngredientCost: '250.00',
      awp: '1040.00',
      ingredientCost: '262.00',
      sets: plan.exclusionSets.map(() => sums),
      feeExcess: plan.feeGuarantees.map(() => ({ claims: 1, amount: '0.50' })),
    },
  ];
  const auditRows = o.auditRows ?? [
    auditRow('fee_above_contract', 'CLM-FEE', '0.50', { channel: null, drugType: null }),
    auditRow('duplicate_fill', 'CLM-DUP-2', '27.00', { channel: 'mail', relatedClaimId: 'CLM-DUP-1' }),
    auditRow('paid_above_uc', 'CLM-UC', '3.25', { channel: 'mail' }),
  ];
  const totals = computeReconciliation(plan, aggregates, recoveriesOf(auditRows));
  return {
    plan,
    totals,
    auditRows,
    claimLocator: 'claims.claim_id',
    claimIdsByFinding: new Map(totals.shortfallFindings.map((f) => [f.findingId, ['CLM-B', 'CLM-A'].sort()])),
    mapping: { table: 'claims', dialect: 'postgres' },
    auditRules: { refillTooSoon: true },
    watermark: { claimRows: 14, maxClaimId: 'CLM-UC', maxFillDate: '2025-12-30' },
    queries: [{ name: 'watermark', text: 'SELECT count(*) FROM claims WHERE client_id = $1', params: ['client-a'] }],
    ...o,
  };
}
