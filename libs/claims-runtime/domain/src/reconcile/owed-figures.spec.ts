import { finding } from '../testing/run-sources.fixture';
import { owedFigures, owedCategoryOf } from './owed-figures';

describe('owedFigures', () => {
  it('files fee excess under the guarantee shortfall, once, and adds each category to its figure', () => {
    const figures = owedFigures([
      finding('guarantee_shortfall', '25910.56'),
      finding('fee_above_contract', '6.00'),
      finding('fee_above_contract', '4.00', 'other'),
      finding('duplicate_fill', '12.34'),
      finding('paid_above_uc', '0.66'),
    ]);
    expect(figures).toMatchObject({
      guaranteeShortfall: '25920.56',
      auditImpact: '13.00',
      totalOwed: '25933.56',
    });
    expect(figures.findingTotals).toEqual([
      {
        kind: 'guarantee_shortfall',
        category: 'guarantee',
        count: 1,
        impact: '25910.56',
      },
      { kind: 'paid_above_uc', category: 'audit', count: 1, impact: '0.66' },
      {
        kind: 'fee_above_contract',
        category: 'guarantee',
        count: 2,
        impact: '10.00',
      },
      { kind: 'duplicate_fill', category: 'audit', count: 1, impact: '12.34' },
    ]);
  });

  it('gives zeros and no kinds for a run without findings', () => {
    expect(owedFigures([])).toEqual({
      guaranteeShortfall: '0.00',
      auditImpact: '0.00',
      totalOwed: '0.00',
      findingTotals: [],
    });
  });

  it('puts every finding kind in exactly one category', () => {
    expect(Object.values(owedCategoryOf).sort()).toEqual(['audit', 'audit', 'audit', 'audit', 'audit', 'audit', 'audit', 'audit', 'guarantee', 'guarantee']);
  });
});
