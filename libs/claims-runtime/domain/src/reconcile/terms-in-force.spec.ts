import type { PlannedGuarantee } from './reconciliation-plan';
import { addDays, segmentStarts, termsInForce } from './terms-in-force';

const version = (v: number, effectiveFrom: string | null = null, effectiveTo: string | null = null, guaranteeId = 'g-mail-generic'): PlannedGuarantee => ({
  guaranteeId,
  clientId: 'client-a',
  periodId: 'p',
  version: v,
  metric: 'awp_discount',
  channel: 'mail',
  drugType: 'generic',
  guaranteedValue: `0.8${v}`,
  method: 'aggregate',
  exclusions: [],
  evidence: {
    sourceSystem: 'contract-packet',
    objectId: `v${v}`,
    sha256: null,
    locator: 'l',
  },
  offsetGroup: null,
  findingOverlap: 'deduct',
  effectiveFrom,
  effectiveTo,
});
const stretches = (versions: PlannedGuarantee[]) =>
  termsInForce(versions, '2025-01-01', '2025-12-31').map((t) => [t.version, t.effectiveFrom, t.effectiveTo, t.termKey]);

describe('termsInForce', () => {
  it('gives a term without dates the whole period, keyed by its guarantee id', () => {
    expect(stretches([version(1)])).toEqual([[1, '2025-01-01', '2025-12-31', 'g-mail-generic']]);
  });

  it('lets an amendment from July govern July to December, and the schedule January to June', () => {
    expect(stretches([version(1), version(2, '2025-07-01')])).toEqual([
      [1, '2025-01-01', '2025-06-30', 'g-mail-generic@2025-01-01'],
      [2, '2025-07-01', '2025-12-31', 'g-mail-generic@2025-07-01'],
    ]);
  });

  it('carves a mid-year amendment out of the schedule, which resumes after it; a later undated version replaces both', () => {
    expect(stretches([version(1), version(2, '2025-04-01', '2025-06-30')])).toEqual([
      [1, '2025-01-01', '2025-03-31', 'g-mail-generic@2025-01-01'],
      [2, '2025-04-01', '2025-06-30', 'g-mail-generic@2025-04-01'],
      [1, '2025-07-01', '2025-12-31', 'g-mail-generic@2025-07-01'],
    ]);
    expect(stretches([version(1), version(2, '2025-04-01', '2025-06-30'), version(3)])).toEqual([[3, '2025-01-01', '2025-12-31', 'g-mail-generic']]);
  });

  it('clips ranges to the period and drops a version in force outside it', () => {
    expect(stretches([version(1, '2024-07-01', '2025-03-31'), version(2, '2026-01-01')])).toEqual([
      [1, '2025-01-01', '2025-03-31', 'g-mail-generic@2025-01-01'],
    ]);
  });

  it('splits the period where any term changes, and counts days on the calendar', () => {
    const terms = termsInForce([version(1), version(2, '2025-07-01'), version(1, null, '2025-02-28', 'g-fee')], '2025-01-01', '2025-12-31');
    expect(segmentStarts(terms, '2025-01-01', '2025-12-31')).toEqual(['2025-03-01', '2025-07-01']);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });
});
