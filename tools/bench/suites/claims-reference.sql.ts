/**
 * The reconciliation's bucket aggregates written by hand, the way an analyst would write them
 * for PostgreSQL and DuckDB (FILTER clauses, a VALUES join for the fee ceilings): the reference the
 * engine's generated query is timed against. Same rules: net claims of the period (no reversals,
 * nothing a reversal undoes), the three exclusion sets of the seeded terms, fee excess per claim,
 * split where an amendment changes a term mid-period.
 */
export function handWrittenAggregateSql(
  fees: ReadonlyArray<readonly [string, string]>,
  param: (i: number) => string,
  /** Where a term changes mid-period (an amendment): parameters 3, 4, … split the year there. */
  segmentStarts: readonly string[] = [],
): string {
  const segment = segmentStarts.length
    ? `CASE ${segmentStarts.map((_, k) => `WHEN c.fill_date < CAST(${param(3 + k)} AS DATE) THEN ${k}`).join(' ')} ELSE ${segmentStarts.length} END`
    : null;
  const awpSet = 'NOT (c.is_uc_priced OR c.is_compound OR c.is_340b)';
  const feeSet = 'NOT (c.is_uc_priced OR c.is_compound)';
  const rebateSet = 'NOT (c.is_340b OR c.is_compound)';
  const sums = (set: string, k: string) =>
    [
      `COUNT(*) FILTER (WHERE ${set}) AS n_${k}`,
      `SUM(c.awp) FILTER (WHERE ${set}) AS awp_${k}`,
      `SUM(c.ingredient_cost_paid) FILTER (WHERE ${set}) AS ic_${k}`,
      `SUM(c.dispensing_fee_paid) FILTER (WHERE ${set}) AS fee_${k}`,
    ].join(',\n  ');
  return `SELECT c.channel, c.drug_type,${segment ? ` ${segment} AS segment,` : ''} COUNT(*) AS net_claims,
  COUNT(*) FILTER (WHERE NOT ${awpSet}) AS excluded_claims,
  SUM(c.awp) AS awp, SUM(c.ingredient_cost_paid) AS ingredient_cost,
  ${sums(awpSet, 'awp')},
  ${sums(feeSet, 'fee')},
  ${sums(rebateSet, 'rebate')},
  COUNT(*) FILTER (WHERE ${feeSet} AND c.dispensing_fee_paid > f.fee) AS fee_excess_n,
  SUM(c.dispensing_fee_paid - f.fee) FILTER (WHERE ${feeSet} AND c.dispensing_fee_paid > f.fee) AS fee_excess
FROM claims c
LEFT JOIN (VALUES ${fees.map(([channel, fee]) => `('${channel}', CAST(${fee} AS DECIMAL(14,6)))`).join(', ')}) AS f(channel, fee) ON f.channel = c.channel
WHERE c.client_id = ${param(0)} AND c.fill_date >= CAST(${param(1)} AS DATE) AND c.fill_date <= CAST(${param(2)} AS DATE) AND NOT c.is_reversal
  AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.reverses_claim_id = c.claim_id AND r.client_id = c.client_id AND r.is_reversal)
GROUP BY c.channel, c.drug_type${segment ? ', 3' : ''}
ORDER BY c.channel, c.drug_type${segment ? ', 3' : ''}`;
}
