import { maximumDaysSupply, type ReconciliationPlan } from '@leaf/claims-runtime/domain';

/**
 * The per-claim audit written by hand, as an analyst would for PostgreSQL and DuckDB (window
 * function for duplicates, VALUES joins for the fee ceilings and for the discount terms a
 * reclassified claim is held to): the reference the engine's generated audit query is timed
 * against. Same rules and order as the engine — one finding per claim, first match wins:
 * duplicate fill, refill too soon (the member's previous fill of the GPI, any pharmacy, less
 * than 75% of its days ago), paid above U&C, ingredient cost above AWP, days supply above the
 * channel's maximum (its days beyond it, rounded half up in integer cents), brand/generic
 * reclassification (MONY Y, or M/O at DAW 5, is generic), DAW 2 penalty unpaid (M/O at DAW 2 held
 * to the channel's generic discount, less the member's pay), short 90-day supply — plus every fee above its ceiling.
 * Terms come in as literals from the plan (they are the contract, not user input).
 */
export function handWrittenAuditSql(plan: ReconciliationPlan, param: (i: number) => string): string {
  const date = (d: string) => `CAST('${d}' AS DATE)`;
  const dec = (v: string) => `CAST(${v} AS DECIMAL(14,6))`;
  const ex = (list: readonly string[], flag: string) => (list.includes(flag) ? 'TRUE' : 'FALSE');
  const fees = plan.feeGuarantees.map(
    (g) =>
      `('${g.channel}', ${dec(g.guaranteedValue)}, ${date(g.effectiveFrom)}, ${date(g.effectiveTo)}, ${ex(g.exclusions, 'uc_priced')}, ${ex(g.exclusions, 'compound')}, ${ex(g.exclusions, '340b')})`,
  );
  const discounts = plan.discountTerms.map(
    (g, k) =>
      `(${k}, '${g.channel}', '${g.drugType}', ${dec(g.guaranteedValue)}, ${date(g.effectiveFrom)}, ${date(g.effectiveTo)}, ${ex(g.exclusions, 'uc_priced')}, ${ex(g.exclusions, 'compound')}, ${ex(g.exclusions, '340b')})`,
  );
  const maxDays = Object.entries(maximumDaysSupply).map(([channel, days]) => `('${channel}', ${days})`);
  const excluded = (t: string, c: string) =>
    `((${t}.ex_uc AND ${c}.is_uc_priced) OR (${t}.ex_compound AND ${c}.is_compound) OR (${t}.ex_340b AND ${c}.is_340b))`;
  return `WITH net AS (
  SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.member_id, c.ndc, c.fill_date, c.pharmacy_npi ORDER BY c.claim_id) AS fill_rank,
    c.fill_date - LAG(c.fill_date) OVER (PARTITION BY c.member_id, c.gpi ORDER BY c.fill_date, c.claim_id) AS days_since_fill,
    LAG(c.days_supply) OVER (PARTITION BY c.member_id, c.gpi ORDER BY c.fill_date, c.claim_id) AS previous_days,
    CASE WHEN c.mony_code = 'Y' OR (c.mony_code IN ('M', 'O') AND c.daw_code = 5) THEN 'generic' WHEN c.mony_code IS NOT NULL THEN 'brand' END AS derived_type
  FROM claims c
  WHERE c.client_id = ${param(0)} AND c.fill_date >= CAST(${param(1)} AS DATE) AND c.fill_date <= CAST(${param(2)} AS DATE) AND NOT c.is_reversal
    AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.reverses_claim_id = c.claim_id AND r.client_id = c.client_id AND r.is_reversal)
), priced AS (
  SELECT n.claim_id, n.channel, n.drug_type, n.days_supply, n.awp, n.ingredient_cost_paid AS ic, n.dispensing_fee_paid AS fee, n.usual_and_customary AS uc,
    n.is_uc_priced, n.fill_rank, n.derived_type, m.days AS max_days, n.patient_pay_amount AS patient_pay,
    CASE WHEN n.mony_code IN ('M', 'O') AND n.daw_code = 2 THEN g.rate END AS generic_rate, n.gpi IS NOT NULL AND n.days_since_fill * 100 < n.previous_days * 75 AS too_soon, f.fee AS contract_fee, f.ex_uc IS NOT NULL AND NOT ${excluded('f', 'n')} AS fee_applies, d.rate AS derived_rate,
    CASE WHEN f.fee IS NULL OR n.dispensing_fee_paid < f.fee THEN n.dispensing_fee_paid ELSE f.fee END AS capped
  FROM net n
  LEFT JOIN (VALUES ${fees.join(', ')}) AS f(channel, fee, date_from, date_to, ex_uc, ex_compound, ex_340b)
    ON f.channel = n.channel AND n.fill_date BETWEEN f.date_from AND f.date_to
  LEFT JOIN (VALUES ${discounts.join(', ')}) AS d(k, channel, drug_type, rate, date_from, date_to, ex_uc, ex_compound, ex_340b)
    ON d.channel = n.channel AND d.drug_type = n.derived_type AND n.fill_date BETWEEN d.date_from AND d.date_to AND NOT ${excluded('d', 'n')}
  LEFT JOIN (VALUES ${discounts.join(', ')}) AS g(k, channel, drug_type, rate, date_from, date_to, ex_uc, ex_compound, ex_340b)
    ON g.channel = n.channel AND g.drug_type = 'generic' AND n.fill_date BETWEEN g.date_from AND g.date_to AND NOT ${excluded('g', 'n')}
  LEFT JOIN (VALUES ${maxDays.join(', ')}) AS m(channel, days) ON m.channel = n.channel
), checked AS (
  SELECT p.*, ROUND(p.ic - p.awp * (1 - p.derived_rate), 2) AS at_stake,
    CASE WHEN p.days_supply > p.max_days THEN FLOOR((p.ic * (p.days_supply - p.max_days) * 200 + p.days_supply) / (2 * p.days_supply)) / 100 END AS beyond_max,
    ROUND(p.ic - p.awp * (1 - p.generic_rate), 2) - p.patient_pay AS penalty
  FROM priced p
)
SELECT CASE WHEN fill_rank > 1 THEN 'duplicate_fill'
    WHEN too_soon THEN 'refill_too_soon'
    WHEN NOT is_uc_priced AND ic + capped > uc THEN 'paid_above_uc'
    WHEN ic > awp THEN 'ingredient_above_awp'
    WHEN beyond_max > 0 THEN 'implausible_days_supply'
    WHEN derived_type <> drug_type AND at_stake > 0 THEN 'brand_generic_reclass'
    WHEN penalty > 0 THEN 'daw_penalty'
    WHEN channel IN ('retail90', 'mail') AND days_supply < 84 THEN 'short_days_supply_90' END AS kind,
  claim_id,
  CASE WHEN fill_rank > 1 OR too_soon THEN ic + capped
    WHEN NOT is_uc_priced AND ic + capped > uc THEN ic + capped - uc
    WHEN ic > awp THEN ic - awp
    WHEN beyond_max > 0 THEN beyond_max
    WHEN derived_type <> drug_type AND at_stake > 0 THEN at_stake
    WHEN penalty > 0 THEN penalty
    ELSE capped END AS impact
FROM checked
WHERE fill_rank > 1 OR too_soon OR (NOT is_uc_priced AND ic + capped > uc) OR ic > awp OR beyond_max > 0 OR (derived_type <> drug_type AND at_stake > 0) OR penalty > 0
  OR (channel IN ('retail90', 'mail') AND days_supply < 84)
UNION ALL
SELECT 'fee_above_contract', claim_id, fee - contract_fee FROM checked WHERE fee_applies AND fee > contract_fee`;
}
