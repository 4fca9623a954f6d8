import { reconciliationRunSchema, type ReconciliationRun } from '@leaf/contracts';
import { runFigures } from './narrative-figures';
import { templateNarrative } from './narrative-template';

/** A succeeded run whose eligible AWP differs from all AWP and whose figures need rounding. */
const run: ReconciliationRun = reconciliationRunSchema.parse({
  runId: 'rec_01jd5z8k3m4n5p6q7r8s9t0v1w',
  clientId: 'acme-health',
  periodId: 'acme-health-py2025',
  status: 'succeeded',
  progress: 1,
  stage: 'done',
  requestedBy: 'ana',
  createdAt: '2026-01-05T10:00:00.000Z',
  completedAt: '2026-01-05T10:01:00.000Z',
  error: null,
  inputsSha256: 'a'.repeat(64),
  summary: {
    claimCount: 18_629,
    eligibleClaimCount: 17_000,
    excludedClaimCount: 1_629,
    totalAwp: '20100000.00',
    totalIngredientCostPaid: '4100000.00',
    eligibleAwp: '18750000.25',
    eligibleIngredientCostPaid: '3900000.75',
    guaranteeShortfall: '25920.56',
    auditImpact: '2200.00',
    totalOwed: '28120.56',
  },
  buckets: [
    {
      guaranteeId: 'g-r30-g',
      guaranteeVersion: 2,
      metric: 'awp_discount',
      channel: 'retail30',
      drugType: 'generic',
      claimCount: 9_000,
      awp: '900000.00',
      ingredientCostPaid: '126000.00',
      dispensingFeePaid: '9000.00',
      guaranteedValue: '0.86',
      effectiveValue: '0.859995',
      variance: '4.50',
      shortfall: '4.50',
      evidence: { sourceSystem: 'contract-packet', objectId: 'p', sha256: null, locator: 'Rates!C8' },
      note: null,
    },
    {
      guaranteeId: 'g-fee-r30',
      guaranteeVersion: 1,
      metric: 'dispensing_fee',
      channel: 'retail30',
      drugType: null,
      claimCount: 9_000,
      awp: '0.00',
      ingredientCostPaid: '0.00',
      dispensingFeePaid: '8788.74',
      guaranteedValue: '0.975',
      effectiveValue: '0.976527',
      variance: '13.74',
      shortfall: '13.74',
      evidence: { sourceSystem: 'contract-packet', objectId: 'p', sha256: null, locator: 'Fees!B4' },
      note: null,
    },
  ],
  artifacts: [],
});

describe('report narrative', () => {
  const text = templateNarrative(run);
  const figures = runFigures(run);

  it('says what the eligible claims carried, not every claim', () => {
    expect(text).toContain('Eligible claims carried $18,750,000.25 of AWP, against which $3,900,000.75 of ingredient cost was paid.');
    expect(text).not.toContain('$20,100,000.00 of AWP');
    expect(figures).toContainEqual({ label: 'eligible AWP', text: '$18,750,000.25' });
  });

  it('rounds as the PDF does: half away from zero, never truncated', () => {
    // 85.9995% is 86.00% in the PDF (truncation gave 85.99%); a $0.975 fee is $0.98 (was $0.97).
    expect(text).toContain('guaranteed 86.00%, delivered 86.00% over 9,000 claims');
    expect(text).toContain('guaranteed $0.98, delivered $0.98 over 9,000 claims');
    expect(figures).toContainEqual({ label: 'awp discount / retail30 / generic delivered', text: '86.00%' });
  });

  it('falls back to all claims, named as such, for a run recorded before eligible figures existed', () => {
    const old = { ...run, summary: { ...run.summary!, eligibleAwp: null, eligibleIngredientCostPaid: null } };
    expect(templateNarrative(old)).toContain('All 18,629 claims carried $20,100,000.00 of AWP');
    expect(runFigures(old).some((f) => f.label === 'eligible AWP')).toBe(false);
  });
});
