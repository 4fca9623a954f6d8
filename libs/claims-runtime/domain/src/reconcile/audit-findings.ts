import type { Channel, DrugType, EvidenceRef, Finding } from '@leaf/contracts';
import type { ClaimRecovery } from './finding-recoveries';
import { maximumDaysSupply, type PlannedGuarantee, type ReconciliationPlan } from './reconciliation-plan';

/**
 * One per-claim finding as the audit query returns it, with its claim's figures and flags. A claim
 * whose codes the mapping does not know still has its finding, but no term measures it.
 */
export interface AuditRow extends Omit<ClaimRecovery, 'channel' | 'drugType'> {
  readonly channel: Channel | null;
  readonly drugType: DrugType | null;
  readonly relatedClaimId: string | null;
  /**
   * For a reclassification (the re-derived type's term) or a DAW penalty (the generic term of its
   * channel): the index in `plan.discountTerms` of the term whose discount it is held to.
   */
  readonly termIndex: number | null;
}

/** The audit rows the aggregate terms measure too: those whose codes the mapping knows. */
export const recoveriesOf = (rows: readonly AuditRow[]): ClaimRecovery[] =>
  rows.flatMap((r) => (r.channel && r.drugType ? [{ ...r, channel: r.channel, drugType: r.drugType }] : []));

const details: Record<AuditRow['kind'], (r: AuditRow, brandGenericDefinition: string) => string> = {
  paid_above_uc: (r) => `paid ${r.impact} above the pharmacy's usual and customary price`,
  ingredient_above_awp: (r) => `ingredient cost ${r.impact} above AWP`,
  fee_above_contract: (r) => `dispensing fee ${r.impact} above the contracted per-claim fee`,
  duplicate_fill: (r) => `duplicate of claim ${r.relatedClaimId ?? '?'} (same member, NDC, date and pharmacy)`,
  short_days_supply_90: () => 'short days supply in a 90-day channel: an extra dispensing fee',
  refill_too_soon: (r) =>
    `filled before 75% of the days supply of claim ${r.relatedClaimId ?? '?'} (same member and GPI, any pharmacy) had elapsed: the claim is recoverable`,
  implausible_days_supply: (r) =>
    `days supply above the ${r.channel ? maximumDaysSupply[r.channel] : '?'}-day maximum of its channel: ingredient cost ${r.impact} for the days beyond it`,
  daw_penalty: (r) =>
    `DAW 2 (the member chose the brand) on a multi-source brand: the plan paid ${r.impact} of the brand's cost above its channel's generic discount that the member's DAW penalty should have paid`,
  brand_generic_reclass: (r, definition) =>
    `billed as ${r.drugType ?? 'its source code'}, ${r.drugType === 'brand' ? 'generic' : 'brand'} under the contract's definition (${definition}): ingredient cost ${r.impact} above that type's guaranteed discount`,
};

/**
 * Each audit row as a finding, in the rows' order. The term a finding is held to: a fee excess to
 * its channel's per-claim fee ceiling (else the every-channel one; of several versions, the last
 * planned), a reclassification or a DAW penalty to the discount term the audit query named; other
 * checks cite none.
 */
export function auditFindings(plan: ReconciliationPlan, rows: readonly AuditRow[], claimLocator: string): Finding[] {
  const feeCeilingOf = new Map(plan.feeGuarantees.map((g) => [g.channel, g]));
  return rows.map((row) =>
    auditFinding(
      row,
      claimLocator,
      row.kind === 'fee_above_contract'
        ? (feeCeilingOf.get(row.channel) ?? feeCeilingOf.get(null))
        : row.termIndex !== null
          ? plan.discountTerms[row.termIndex]
          : undefined,
      plan.brandGeneric.text,
    ),
  );
}

/**
 * One audit row as a finding: the claim (and the claim it repeats or refills) as evidence, where
 * `claimLocator` names the source column holding claim ids, and the term it breaks when there is one.
 */
export function auditFinding(row: AuditRow, claimLocator: string, term: PlannedGuarantee | undefined, brandGenericDefinition: string): Finding {
  const claimRef: EvidenceRef = {
    sourceSystem: 'claims-source',
    objectId: row.claimId,
    sha256: null,
    locator: claimLocator,
  };
  const evidence: EvidenceRef[] = [claimRef];
  if (row.relatedClaimId) evidence.push({ ...claimRef, objectId: row.relatedClaimId });
  if (term) evidence.push(term.evidence);
  return {
    findingId: `${row.kind}:${row.claimId}`,
    kind: row.kind,
    claimId: row.claimId,
    guaranteeId: term?.guaranteeId ?? null,
    channel: row.channel,
    drugType: row.drugType,
    impact: row.impact,
    detail: details[row.kind](row, brandGenericDefinition),
    claimCount: 1,
    evidence,
  };
}
