import type { ReconciliationBucket } from '@leaf/contracts';
import { groupBuckets } from './bucket-groups';

const bucket = (
  guaranteeId: string,
  metric: ReconciliationBucket['metric'],
  channel: ReconciliationBucket['channel'],
  drugType: ReconciliationBucket['drugType'],
  claimCount: number,
  awp: string,
  shortfall = '0.00',
  variance = shortfall,
): ReconciliationBucket => ({
  guaranteeId,
  guaranteeVersion: 1,
  effectiveFrom: null,
  effectiveTo: null,
  metric,
  channel,
  drugType,
  claimCount,
  awp,
  ingredientCostPaid: '0.00',
  dispensingFeePaid: '1.00',
  guaranteedValue: '0.2',
  effectiveValue: null,
  variance,
  shortfall,
  evidence: {
    sourceSystem: 'synthetic-seed',
    objectId: 'packet',
    sha256: null,
    locator: 'Rates!B5',
  },
  note: null,
  moved: null,
});

describe('groupBuckets', () => {
  // The example: three metrics over one client's claims.
  const buckets = [
    bucket('awp-r30-b', 'awp_discount', 'retail30', 'brand', 100, '1000.00', '5.00'),
    bucket('awp-r30-g', 'awp_discount', 'retail30', 'generic', 300, '600.00', '0.00', '-7.50'),
    bucket('fee-r30', 'dispensing_fee', 'retail30', null, 400, '1600.00', '2.00'),
    bucket('rebate-all-b', 'rebate_per_brand_claim', null, 'brand', 100, '1000.00'),
    bucket('rebate-r30-b', 'rebate_per_brand_claim', 'retail30', 'brand', 100, '1000.00'),
  ];
  const groups = groupBuckets(buckets);

  it('groups the buckets by metric and never totals across metrics, which cover the same claims', () => {
    expect(groups.map((g) => [g.metric, g.guaranteeIds])).toEqual([
      ['awp_discount', ['awp-r30-b', 'awp-r30-g']],
      ['dispensing_fee', ['fee-r30']],
      ['rebate_per_brand_claim', ['rebate-all-b', 'rebate-r30-b']],
    ]);
  });

  it('totals a metric whose buckets partition the claims: 400 claims, not 900', () => {
    expect(groups[0]?.total).toEqual({
      claimCount: 400,
      awp: '1600.00',
      ingredientCostPaid: '0.00',
      dispensingFeePaid: '2.00',
      variance: '-2.50',
      shortfall: '5.00',
    });
    expect(groups[0]?.noTotal).toBeNull();
    expect(groups[1]?.total?.claimCount).toBe(400);
  });

  it('gives no total where two buckets can hold the same claim, and says which', () => {
    expect(groups[2]?.total).toBeNull();
    expect(groups[2]?.noTotal).toContain('rebate-all-b and rebate-r30-b');
  });

  it('has no group for a metric without buckets', () => {
    expect(groupBuckets([])).toEqual([]);
  });
});
