import type { ReconciliationRun } from '@leaf/contracts';
import { bucketName, count, money, shortfallBuckets, valueText } from './narrative-figures';

/** The deterministic narrative: same run, same bytes. */
export function templateNarrative(run: ReconciliationRun): string {
  const s = run.summary;
  const lines = [`# Reconciliation narrative: ${run.clientId}, ${run.periodId}`, ''];
  if (!s) {
    lines.push('The run has no summary; there is nothing to narrate.');
    return lines.join('\n') + '\n';
  }
  lines.push(
    `Of ${count(s.claimCount)} claims, ${count(s.eligibleClaimCount)} were eligible for the contract guarantees and ${count(s.excludedClaimCount)} were excluded.`,
    // Eligible means no exclusion flag: the claims the guarantees are measured on, not every claim.
    s.eligibleAwp !== null && s.eligibleIngredientCostPaid !== null
      ? `Eligible claims carried ${money(s.eligibleAwp)} of AWP, against which ${money(s.eligibleIngredientCostPaid)} of ingredient cost was paid.`
      : `All ${count(s.claimCount)} claims carried ${money(s.totalAwp)} of AWP, against which ${money(s.totalIngredientCostPaid)} of ingredient cost was paid.`,
    '',
    `The guarantees fell short by ${money(s.guaranteeShortfall)}; claim-level audit findings add ${money(s.auditImpact)}, for a total owed of ${money(s.totalOwed)}.`,
  );
  const short = shortfallBuckets(run);
  if (short.length > 0) {
    lines.push('', '## Where the guarantees were missed', '');
    for (const b of short) {
      const promised = valueText(b.metric, b.guaranteedValue);
      const delivered = b.effectiveValue === null ? 'not measurable' : valueText(b.metric, b.effectiveValue);
      lines.push(
        `- ${bucketName(b)}: guaranteed ${promised}, delivered ${delivered} over ${count(b.claimCount)} claims; shortfall ${money(b.shortfall)} (source ${b.evidence.locator}).`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
