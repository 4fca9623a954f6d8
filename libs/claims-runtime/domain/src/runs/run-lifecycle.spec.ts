import { canTransition, leaseTimingProblem, runTransitions, type RunStatus } from './run-lifecycle';

describe('run lifecycle', () => {
  const statuses: RunStatus[] = ['queued', 'running', 'succeeded', 'failed'];

  it('never leaves a finished run: a failed run cannot succeed, a succeeded one cannot fail', () => {
    for (const transition of Object.keys(runTransitions) as Array<keyof typeof runTransitions>) {
      expect(canTransition('failed', transition)).toBe(false);
      expect(canTransition('succeeded', transition)).toBe(false);
    }
  });

  it('completes only a running run, and fails or expires any open one', () => {
    expect(statuses.filter((s) => canTransition(s, 'complete'))).toEqual(['running']);
    expect(statuses.filter((s) => canTransition(s, 'progress'))).toEqual(['queued', 'running']);
    expect(statuses.filter((s) => canTransition(s, 'fail'))).toEqual(['queued', 'running']);
    expect(statuses.filter((s) => canTransition(s, 'expire'))).toEqual(['queued', 'running']);
  });

  it('wants a lease to outlive two missed renewals', () => {
    expect(leaseTimingProblem(30_000, 10_000)).toBeUndefined();
    expect(leaseTimingProblem(30_000, 10_001)).toMatch(/at most a third/);
  });
});
