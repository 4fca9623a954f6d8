import { notGuaranteedCells } from './not-guaranteed';

const row = (
  channel: 'retail30' | 'retail90' | 'mail' | 'specialty',
  drugType: 'brand' | 'generic',
  netClaims: number,
  awp: string,
  ingredientCost: string,
  excludedClaims = 0,
) => ({ channel, drugType, netClaims, excludedClaims, awp, ingredientCost });

describe('notGuaranteedCells', () => {
  it('lists, per metric the contract guarantees, the cells with claims no term of it covers, segments added exactly', () => {
    const rows = [
      row('retail30', 'brand', 10, '100.10', '80.05'),
      row('specialty', 'generic', 3, '0.10', '0.05', 1),
      // The same cell in the second segment of a split period: added, to the cent.
      row('specialty', 'generic', 4, '0.20', '0.10', 2),
      row('mail', 'brand', 0, '0.00', '0.00'),
      row('mail', 'generic', 7, '70.00', '10.00'),
    ];
    const cells = notGuaranteedCells(rows, [
      { metric: 'awp_discount', channel: 'retail30', drugType: 'brand' },
      { metric: 'awp_discount', channel: 'mail', drugType: null },
      { metric: 'dispensing_fee', channel: 'retail30', drugType: null },
      { metric: 'rebate_per_brand_claim', channel: null, drugType: 'brand' },
    ]);
    expect(cells).toEqual([
      {
        metric: 'awp_discount',
        channel: 'specialty',
        drugType: 'generic',
        claimCount: 7,
        excludedClaimCount: 3,
        awp: '0.30',
        ingredientCostPaid: '0.15',
      },
      // A fee term on retail30 only: mail and specialty claims have no fee guarantee.
      {
        metric: 'dispensing_fee',
        channel: 'mail',
        drugType: 'generic',
        claimCount: 7,
        excludedClaimCount: 0,
        awp: '70.00',
        ingredientCostPaid: '10.00',
      },
      expect.objectContaining({
        metric: 'dispensing_fee',
        channel: 'specialty',
        claimCount: 7,
      }),
    ]);
  });

  it('says nothing about a metric the contract has no term for, nor about cells without claims', () => {
    const rows = [row('retail90', 'brand', 5, '50.00', '40.00')];
    expect(notGuaranteedCells(rows, [{ metric: 'rebate_per_brand_claim', channel: null, drugType: 'brand' }])).toEqual([]);
    expect(notGuaranteedCells([row('retail90', 'brand', 0, '0.00', '0.00')], [{ metric: 'awp_discount', channel: 'mail', drugType: 'brand' }])).toEqual([]);
  });
});
