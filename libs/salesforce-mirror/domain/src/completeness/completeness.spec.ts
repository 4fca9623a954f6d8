import { compareIds, completenessReport } from './completeness';

describe('completeness', () => {
  it('is clean when the id sets agree', () => {
    const report = completenessReport([compareIds('IT_Request__c', ['a', 'b'], ['b', 'a'])]);
    expect(report.clean).toBe(true);
  });

  it('names the gap and the delete the mirror did not see', () => {
    const o = compareIds('Note', ['a', 'b', 'c'], ['a', 'd']);
    expect(o).toMatchObject({ sourceCount: 3, mirrorCount: 2, missingCount: 2, extraCount: 1, missing: ['b', 'c'], extra: ['d'] });
    expect(completenessReport([o]).clean).toBe(false);
  });

  it('caps the id samples but keeps exact counts', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `id${String(i).padStart(3, '0')}`);
    const o = compareIds('Note', ids, [], 10);
    expect(o.missing).toHaveLength(10);
    expect(o.missingCount).toBe(120);
  });
});
