import { auditRow, guarantee } from '../testing/run-sources.fixture';
import { auditFinding, auditFindings, recoveriesOf } from './audit-findings';
import { planReconciliation } from './reconciliation-plan';

const fee = (id: string, channel: 'retail30' | 'mail' | null, o = {}) =>
  guarantee(id, { metric: 'dispensing_fee', channel, drugType: null, guaranteedValue: '1.00', method: 'per_claim', ...o });

const planWith = (guarantees: ReturnType<typeof guarantee>[]) =>
  planReconciliation({ clientId: 'client-a', periodId: 'py2025', periodStart: '2025-01-01', periodEnd: '2025-12-31', guarantees });

describe('auditFindings', () => {
  it("holds a fee excess to its channel's ceiling, else the every-channel one, and cites that term", () => {
    const plan = planWith([fee('fee-all', null), fee('fee-mail', 'mail')]);
    const [mail, retail] = auditFindings(
      plan,
      [auditRow('fee_above_contract', 'C-MAIL', '0.40', { channel: 'mail' }), auditRow('fee_above_contract', 'C-R30', '0.20')],
      'claims.claim_id',
    );
    expect(mail).toMatchObject({ guaranteeId: 'fee-mail', evidence: [{ objectId: 'C-MAIL' }, { objectId: 'packet-fee-mail' }] });
    expect(retail).toMatchObject({ guaranteeId: 'fee-all', detail: 'dispensing fee 0.20 above the contracted per-claim fee' });
  });

  it('of two versions of one channel ceiling in force in the period, cites the later one', () => {
    const plan = planWith([
      fee('fee-mail', 'mail', { version: 1, evidence: { sourceSystem: 'contract-packet', objectId: 'v1', sha256: null, locator: 'p1' } }),
      fee('fee-mail', 'mail', {
        version: 2,
        effectiveFrom: '2025-07-01',
        evidence: { sourceSystem: 'contract-packet', objectId: 'v2', sha256: null, locator: 'p1' },
      } as object),
    ]);
    expect(plan.feeGuarantees.map((g) => g.version)).toEqual([1, 2]);
    const [finding] = auditFindings(plan, [auditRow('fee_above_contract', 'C', '0.10', { channel: 'mail' })], 'claims.claim_id');
    expect(finding?.evidence.map((e) => e.objectId)).toEqual(['C', 'v2']);
  });

  it('holds a reclassified claim to the discount term the audit query named, and says under which definition', () => {
    const plan = planWith([guarantee('awp-r30-generic'), guarantee('awp-r30-brand', { drugType: 'brand', guaranteedValue: '0.18' })]);
    const [finding] = auditFindings(plan, [auditRow('brand_generic_reclass', 'C-Y', '12.00', { drugType: 'brand', termIndex: 0 })], 'claims.claim_id');
    expect(finding).toMatchObject({
      findingId: 'brand_generic_reclass:C-Y',
      guaranteeId: plan.discountTerms[0]?.guaranteeId,
      detail: `billed as brand, generic under the contract's definition (${plan.brandGeneric.text}): ingredient cost 12.00 above that type's guaranteed discount`,
    });
  });

  it("holds a DAW penalty to the generic term the audit query named and cites it; a days supply above the maximum names its channel's maximum and cites no term", () => {
    const plan = planWith([guarantee('awp-r30-brand', { drugType: 'brand', guaranteedValue: '0.18' }), guarantee('awp-r30-generic')]);
    const [daw, days] = auditFindings(
      plan,
      [
        auditRow('daw_penalty', 'C-DAW', '43.10', { drugType: 'brand', termIndex: 1 }),
        auditRow('implausible_days_supply', 'C-90', '9.78', { channel: 'retail30' }),
      ],
      'claims.claim_id',
    );
    expect(daw).toMatchObject({ guaranteeId: 'awp-r30-generic', evidence: [{ objectId: 'C-DAW' }, { objectId: 'packet-awp-r30-generic' }] });
    expect(daw!.detail).toContain('DAW 2');
    expect(daw!.detail).toContain('43.10');
    expect(days).toMatchObject({ guaranteeId: null, evidence: [{ objectId: 'C-90' }] });
    expect(days!.detail).toBe('days supply above the 34-day maximum of its channel: ingredient cost 9.78 for the days beyond it');
  });

  it('cites the claim, and the claim it repeats, at the source locator; other checks cite no term', () => {
    const plan = planWith([guarantee('awp-r30-generic')]);
    const [finding] = auditFindings(plan, [auditRow('refill_too_soon', 'C-2', '8.00', { relatedClaimId: 'C-1' })], 'rx.claim_no');
    expect(finding).toEqual({
      findingId: 'refill_too_soon:C-2',
      kind: 'refill_too_soon',
      claimId: 'C-2',
      guaranteeId: null,
      channel: 'retail30',
      drugType: 'generic',
      impact: '8.00',
      detail: 'filled before 75% of the days supply of claim C-1 (same member and GPI, any pharmacy) had elapsed: the claim is recoverable',
      claimCount: 1,
      evidence: [
        { sourceSystem: 'claims-source', objectId: 'C-2', sha256: null, locator: 'rx.claim_no' },
        { sourceSystem: 'claims-source', objectId: 'C-1', sha256: null, locator: 'rx.claim_no' },
      ],
    });
    expect(auditFinding(auditRow('short_days_supply_90', 'C-3', '1.50'), 'x.y', undefined, '').evidence).toHaveLength(1);
  });
});

describe('recoveriesOf', () => {
  it('keeps only the rows whose channel and drug type the mapping knows', () => {
    const rows = [
      auditRow('paid_above_uc', 'A', '1.00'),
      auditRow('paid_above_uc', 'B', '1.00', { channel: null }),
      auditRow('paid_above_uc', 'C', '1.00', { drugType: null }),
    ];
    expect(recoveriesOf(rows).map((r) => r.claimId)).toEqual(['A']);
  });
});
