import { movedClaims, movedSumsFor } from './finding-recoveries';
import { recovery, term } from '../testing/run-sources.fixture';

const claim = recovery;

describe('movedClaims', () => {
  it('takes a duplicate out whole, and only once even when its fee is also above the ceiling', () => {
    const [dup] = movedClaims([claim('C1', 'duplicate_fill', '26.50'), claim('C1', 'fee_above_contract', '0.50')]);
    expect(dup).toMatchObject({
      removed: true,
      awp: 2000n,
      ingredientCost: 2500n,
      dispensingFee: 200n,
    });
  });

  it('takes each kind off where it was paid: above AWP off the cost, short supply and fee excess off the fee, above U&C off the cost first', () => {
    const moved = movedClaims([
      claim('A', 'ingredient_above_awp', '5.00'),
      claim('B', 'short_days_supply_90', '1.50'),
      claim('B', 'fee_above_contract', '0.50'),
      claim('C', 'paid_above_uc', '26.00', { ingredientCost: '25.00' }),
    ]);
    expect(moved.map((m) => [m.claimId, m.ingredientCost, m.dispensingFee])).toEqual([
      ['A', 500n, 0n],
      ['B', 0n, 200n],
      ['C', 2500n, 100n],
    ]);
  });

  it('takes the cost of days beyond the maximum supply and an unapplied DAW penalty off the ingredient cost, a fee excess on the same claim off the fee', () => {
    const moved = movedClaims([
      claim('D', 'implausible_days_supply', '12.50'),
      claim('D', 'fee_above_contract', '0.25'),
      claim('E', 'daw_penalty', '80.00', { drugType: 'brand', ingredientCost: '120.00' }),
    ]);
    expect(moved.map((m) => [m.claimId, m.removed, m.ingredientCost, m.dispensingFee])).toEqual([
      ['D', false, 1250n, 25n],
      ['E', false, 8000n, 0n],
    ]);
  });
});

describe('movedSumsFor', () => {
  const moved = movedClaims([
    claim('A', 'ingredient_above_awp', '5.00'),
    claim('D', 'duplicate_fill', '27.00'),
    claim('X', 'ingredient_above_awp', '1.00', { flags: ['compound'] }),
    claim('M', 'ingredient_above_awp', '1.00', { channel: 'mail' }),
  ]);

  it('sums only the claims the term measures: its channel, drug type and dates, none of its exclusions', () => {
    expect(movedSumsFor(term(), moved)).toEqual({
      claims: 2,
      removedClaims: 1,
      awp: 2000n,
      ingredientCost: 3000n,
      dispensingFee: 200n,
    });
    expect(movedSumsFor(term({ exclusions: [] }), moved).claims).toBe(3);
    expect(movedSumsFor(term({ channel: null }), moved).claims).toBe(3);
    // A version in force from April does not measure a claim filled in March.
    expect(movedSumsFor(term({ effectiveFrom: '2025-04-01' }), moved).claims).toBe(0);
  });
});
