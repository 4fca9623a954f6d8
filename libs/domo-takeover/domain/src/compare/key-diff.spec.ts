import type { ComparisonSpec, CuratedRow, KeyedRow } from './comparison-spec';
import { diffByKey } from './key-diff';
import { signOffProblem, summarize } from './comparison-summary';

const spec: ComparisonSpec = {
  keyColumns: ['client', 'month'],
  periodColumn: 'month',
  measures: [
    { name: 'n', kind: 'count' },
    { name: 'savings', kind: 'money' },
  ],
  absTolerance: 0.01,
  relTolerance: 0,
  materialityDollars: 100,
};

const row = (client: string, month: string, n: number, savings: number): KeyedRow => ({ key: { client, month }, values: { n, savings } });

describe('diffByKey', () => {
  it('matches within tolerance and explains each difference by the first rule that fits', () => {
    const curated: CuratedRow[] = [
      row('a', '2024-01-01', 10, 1000.4),
      row('a', '2024-02-01', 12, 1200),
      row('b', '2024-01-01', 5, 500.25), // rounded by Domo
      row('b', '2024-02-01', 6, 600),
      row('b', '2024-03-01', 7, 700), // missing in Domo
      { ...row('c', '2024-01-01', 4, 400), alternates: { gross: { n: 5, savings: 450 } } },
      row('d', '2024-01-01', 3, 300), // unexplained
    ];
    const domo: KeyedRow[] = [
      row('a', '2024-01-01', 8, 800.4), // two claims moved to February
      row('a', '2024-02-01', 14, 1400),
      row('b', '2024-01-01', 5, 500),
      row('b', '2024-02-01', 6, 600.005), // within tolerance
      row('c', '2024-01-01', 5, 450),
      row('d', '2024-01-01', 3, 180),
      row('e', '2024-01-01', 1, 10), // missing in backend
    ];
    const result = diffByKey(spec, domo, curated);
    const reasons = result.differences.map((d) => `${d.key['client']}/${d.key['month']}/${d.measure}:${d.reason}:${d.delta}`);
    expect(reasons.sort()).toEqual(
      [
        'a/2024-01-01/n:timing:-2',
        'a/2024-01-01/savings:timing:-200',
        'a/2024-02-01/n:timing:2',
        'a/2024-02-01/savings:timing:200',
        'b/2024-01-01/savings:rounding:-0.25',
        'c/2024-01-01/n:definition_change:1',
        'c/2024-01-01/savings:definition_change:50',
        'd/2024-01-01/savings:unexplained:-120',
        'e/2024-01-01/n:missing_in_backend:1',
        'e/2024-01-01/savings:missing_in_backend:10',
        'b/2024-03-01/n:missing_in_domo:-7',
        'b/2024-03-01/savings:missing_in_domo:-700',
      ].sort(),
    );
    expect(result.keysCompared).toBe(8);
    expect(result.keysMatched).toBe(1);
    const material = result.differences.filter((d) => d.material).map((d) => `${d.key['client']}:${d.measure}`);
    // Counts are never material; money is from $100.
    expect(material.sort()).toEqual(['a:savings', 'a:savings', 'b:savings', 'd:savings'].sort());
  });

  it('does not call a difference timing when the next month does not offset it', () => {
    const result = diffByKey(
      spec,
      [row('a', '2024-01-01', 10, 900), row('a', '2024-02-01', 10, 1050)],
      [row('a', '2024-01-01', 10, 1000), row('a', '2024-02-01', 10, 1000)],
    );
    expect(result.differences.map((d) => d.reason)).toEqual(['unexplained', 'unexplained']);
  });

  it('summarizes by reason and guards sign-off', () => {
    const summary = summarize(diffByKey(spec, [row('d', '2024-01-01', 3, 180)], [row('d', '2024-01-01', 3, 300)]));
    expect(summary.byReason.unexplained).toEqual({ count: 1, material: 1, absDelta: 120 });
    expect(summary.byReason.timing.count).toBe(0);
    expect(signOffProblem(summary, 'approved', undefined, false)).toMatch(/needs a note/);
    expect(signOffProblem(summary, 'approved', 'known Domo filter bug', false)).toBeUndefined();
    expect(signOffProblem(summary, 'rejected', undefined, false)).toBeUndefined();
    expect(signOffProblem(summary, 'rejected', undefined, true)).toMatch(/already/);
  });
});
