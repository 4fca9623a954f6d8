import { domoReasonCodes, type DomoComparisonSummary, type DomoReasonCode } from '@leaf/contracts';
import type { KeyDiffResult } from './key-diff';

export function summarize(result: KeyDiffResult): DomoComparisonSummary {
  const byReason = Object.fromEntries(domoReasonCodes.map((r) => [r, { count: 0, material: 0, absDelta: 0 }])) as Record<
    DomoReasonCode,
    { count: number; material: number; absDelta: number }
  >;
  let material = 0;
  for (const d of result.differences) {
    const bucket = byReason[d.reason];
    bucket.count++;
    if (d.material) {
      bucket.material++;
      material++;
    }
    bucket.absDelta = Math.round((bucket.absDelta + Math.abs(d.delta)) * 100) / 100;
  }
  return { keysCompared: result.keysCompared, keysMatched: result.keysMatched, differences: result.differences.length, material, byReason };
}

export type SignOffDecision = 'approved' | 'rejected';

/**
 * An operator may reject any comparison; approving one with material unexplained differences
 * takes a note saying why they are acceptable. A comparison is signed off once.
 */
export function signOffProblem(
  summary: DomoComparisonSummary,
  decision: SignOffDecision,
  note: string | undefined,
  alreadySigned: boolean,
): string | undefined {
  if (alreadySigned) return 'the comparison is already signed off';
  if (decision === 'approved' && summary.byReason.unexplained.material > 0 && (note === undefined || note.trim() === '')) {
    return `approving with ${summary.byReason.unexplained.material} material unexplained difference(s) needs a note`;
  }
  return undefined;
}
