import { channels, drugTypes, type Channel, type DrugType } from '@leaf/contracts';
import {
  dawPenaltyCodes,
  exclusionSetIndex,
  maximumDaysSupply,
  multiSourceBrandMony,
  ninetyDayMinimumDays,
  refillTooSoonPercent,
  type PlannedTerm,
  type ReconciliationPlan,
} from '@leaf/claims-runtime/domain';
import type { ClaimExclusion } from '@leaf/contracts';
import { mapsField, type ClaimsSourceMapping, type SourceClaimField } from './claims-source-mapping';
import { ClaimsSourceError } from './claims-source.error';
import { dialectFor, type SqlDialect } from './sql-dialect';

/** A statement for the claims source: text plus positional parameters, as recorded in run inputs. */
export interface SourceQuery {
  readonly name: string;
  readonly text: string;
  readonly params: readonly (string | number)[];
}

/** Builds statements with numbered parameters; identifiers come only from the validated mapping. */
class StatementBuilder {
  readonly params: (string | number)[] = [];
  readonly d: SqlDialect;
  constructor(readonly mapping: ClaimsSourceMapping) {
    this.d = dialectFor(mapping);
  }
  p(value: string | number): string {
    this.params.push(value);
    return this.d.param(this.params.length - 1);
  }
  dec(value: string): string {
    return `CAST(${this.p(value)} AS DECIMAL(14,6))`;
  }
  date(value: string): string {
    return `CAST(${this.p(value)} AS DATE)`;
  }
  col(field: SourceClaimField, alias = 'c'): string {
    const column = this.mapping.columns[field];
    if (column === undefined)
      throw new ClaimsSourceError('CLAIMS_SOURCE_FIELD_UNMAPPED', `the claims source mapping does not map the optional field ${field}, which this query needs`);
    return `${alias}.${this.d.quote(column)}`;
  }
  table(): string {
    const t = this.d.quote(this.mapping.table);
    return this.mapping.schema ? `${this.d.quote(this.mapping.schema)}.${t}` : t;
  }
  channelCode(c: Channel): string {
    return this.mapping.channelCodes?.[c] ?? c;
  }
  drugTypeCode(t: DrugType): string {
    return this.mapping.drugTypeCodes?.[t] ?? t;
  }
  flag(field: SourceClaimField, value: boolean, alias = 'c'): string {
    return `${this.col(field, alias)} = ${value ? this.d.true : this.d.false}`;
  }
}

const exclusionFlag: Readonly<Record<Exclude<ClaimExclusion, 'reversal'>, SourceClaimField>> = {
  uc_priced: 'isUcPriced',
  compound: 'isCompound',
  '340b': 'is340b',
};

/** The net claims of the client and period: no reversal rows, and no claim that a reversal undoes (whenever it is dated). */
function netClaimsWhere(b: StatementBuilder, plan: ReconciliationPlan): string {
  return [
    `${b.col('clientId')} = ${b.p(plan.clientId)}`,
    `${b.col('fillDate')} >= ${b.p(plan.periodStart)}`,
    `${b.col('fillDate')} <= ${b.p(plan.periodEnd)}`,
    b.flag('isReversal', false),
    `NOT EXISTS (SELECT 1 FROM ${b.table()} r WHERE ${b.col('reversesClaimId', 'r')} = ${b.col('claimId')} AND ${b.col('clientId', 'r')} = ${b.col('clientId')} AND ${b.flag('isReversal', true, 'r')})`,
  ].join('\n  AND ');
}

function eligible(b: StatementBuilder, exclusions: readonly ClaimExclusion[]): string {
  const flags = exclusions.filter((e): e is Exclude<ClaimExclusion, 'reversal'> => e !== 'reversal').map((e) => b.flag(exclusionFlag[e], false));
  return flags.length ? flags.join(' AND ') : '1 = 1';
}

/**
 * The claims of a term's channel and drug type filled while its version was in force (every
 * claim of the period for a term on neither that spans the period).
 */
function scopeCondition(b: StatementBuilder, plan: ReconciliationPlan, g: PlannedTerm): string {
  const parts: string[] = [];
  if (g.drugType) parts.push(`${b.col('drugType')} = ${b.p(b.drugTypeCode(g.drugType))}`);
  if (g.channel) parts.push(`${b.col('channel')} = ${b.p(b.channelCode(g.channel))}`);
  if (g.effectiveFrom > plan.periodStart) parts.push(`${b.col('fillDate')} >= ${b.date(g.effectiveFrom)}`);
  if (g.effectiveTo < plan.periodEnd) parts.push(`${b.col('fillDate')} <= ${b.date(g.effectiveTo)}`);
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

function feeTermCondition(b: StatementBuilder, plan: ReconciliationPlan, g: PlannedTerm): string {
  return `${scopeCondition(b, plan, g)} AND ${eligible(b, g.exclusions)}`;
}

/**
 * Which segment of the period a claim falls in (see ReconciliationPlan.segmentStarts): one CASE
 * over the fill date, so splitting the period costs no second pass over the claims.
 */
function segmentExpression(b: StatementBuilder, plan: ReconciliationPlan): string {
  const whens = plan.segmentStarts.map((start, k) => `WHEN ${b.col('fillDate')} < ${b.date(start)} THEN ${k}`);
  return `CASE ${whens.join(' ')} ELSE ${plan.segmentStarts.length} END`;
}

/**
 * One GROUP BY over the net claims of the period, by channel x drug type, with the sums of every
 * exclusion set and the fee excess of every per-claim fee term side by side: every figure of the
 * reconciliation comes from this single scan.
 */
export function bucketAggregateQuery(mapping: ClaimsSourceMapping, plan: ReconciliationPlan): SourceQuery {
  const b = new StatementBuilder(mapping);
  const { d } = b;
  const money = (e: string) => d.exactText(`SUM(${e})`);
  const sum = (e: string | null, when: string) => d.filtered(e, when);
  const text = (e: string) => d.exactText(e);
  // Split by the dates terms change (one CASE, same single pass); not at all when none does.
  const split = plan.segmentStarts.length > 0;
  const segment = split ? segmentExpression(b, plan) : '';
  const select = [
    `${b.col('channel')} AS channel`,
    `${b.col('drugType')} AS drug_type`,
    ...(split ? [`${segment} AS segment`] : []),
    `COUNT(*) AS net_claims`,
    `${money(b.col('awp'))} AS awp`,
    `${money(b.col('ingredientCostPaid'))} AS ingredient_cost`,
  ];
  plan.exclusionSets.forEach((set, k) => {
    const when = eligible(b, set);
    select.push(
      `${sum(null, when)} AS n_${k}`,
      `${text(sum(b.col('awp'), when))} AS awp_${k}`,
      `${text(sum(b.col('ingredientCostPaid'), when))} AS ic_${k}`,
      `${text(sum(b.col('dispensingFeePaid'), when))} AS fee_${k}`,
    );
  });
  const fee = b.col('dispensingFeePaid');
  if (plan.sharedFeeCeiling && plan.feeGuarantees.length > 0) {
    // No claim is under two fee terms: one pair of sums against each claim's own ceiling.
    const ceiling = `CASE ${plan.feeGuarantees.map((g) => `WHEN ${scopeCondition(b, plan, g)} THEN ${b.dec(g.guaranteedValue)}`).join(' ')} END`;
    const over = `${eligible(b, plan.feeGuarantees[0]?.exclusions ?? [])} AND ${fee} > ${ceiling}`;
    select.push(`${sum(null, over)} AS fxn`, `${text(sum(`${fee} - ${ceiling}`, over))} AS fx`);
  } else {
    plan.feeGuarantees.forEach((g, f) => {
      const over = `${feeTermCondition(b, plan, g)} AND ${fee} > ${b.dec(g.guaranteedValue)}`;
      select.push(`${sum(null, over)} AS fxn_${f}`, `${text(sum(`${fee} - ${b.dec(g.guaranteedValue)}`, over))} AS fx_${f}`);
    });
  }
  const statement = [
    `SELECT ${select.join(',\n  ')}`,
    `FROM ${b.table()} c`,
    `WHERE ${netClaimsWhere(b, plan)}`,
    `GROUP BY ${b.col('channel')}, ${b.col('drugType')}${split ? `, ${segment}` : ''}`,
  ].join('\n');
  return { name: 'bucket-aggregates', text: statement, params: b.params };
}

/** The contracted fee of a claim's channel (the lowest when several terms cover it), or NULL. */
function contractFeeExpression(b: StatementBuilder, plan: ReconciliationPlan): string {
  const cases = plan.feeGuarantees.map((g) => {
    // The fee in force on the claim's fill date, for its channel.
    const when = [g.channel ? `${b.col('channel')} = ${b.p(b.channelCode(g.channel))}` : '1 = 1'];
    if (g.effectiveFrom > plan.periodStart) when.push(`${b.col('fillDate')} >= ${b.date(g.effectiveFrom)}`);
    if (g.effectiveTo < plan.periodEnd) when.push(`${b.col('fillDate')} <= ${b.date(g.effectiveTo)}`);
    return `WHEN ${when.join(' AND ')} THEN ${b.dec(g.guaranteedValue)}`;
  });
  return cases.length ? `CASE ${cases.join(' ')} ELSE NULL END` : 'NULL';
}

/** The optional fields each audit check needs; a check runs only when the mapping maps them all. */
export const auditRuleFields = {
  brand_generic_reclass: ['monyCode', 'dawCode'],
  refill_too_soon: ['gpi'],
  daw_penalty: ['monyCode', 'dawCode', 'patientPayAmount'],
} as const satisfies Record<string, readonly SourceClaimField[]>;

export type OptionalAuditRule = keyof typeof auditRuleFields;

/** The optional checks the mapping can run, and those it cannot with the fields they miss. */
export function auditRulesFor(mapping: ClaimsSourceMapping): {
  runs: OptionalAuditRule[];
  skipped: Array<{ rule: OptionalAuditRule; missing: SourceClaimField[] }>;
} {
  const runs: OptionalAuditRule[] = [];
  const skipped: Array<{ rule: OptionalAuditRule; missing: SourceClaimField[] }> = [];
  for (const [rule, fields] of Object.entries(auditRuleFields) as Array<[OptionalAuditRule, readonly SourceClaimField[]]>) {
    const missing = fields.filter((f) => !mapsField(mapping, f));
    if (missing.length) skipped.push({ rule, missing });
    else runs.push(rule);
  }
  return { runs, skipped };
}

/**
 * Which aggregate discount term (an index into `plan.discountTerms`) measures the claim on its
 * fill date: with `typeOf`, were the claim of the type that expression gives; without it, were
 * it of type `only` (terms of the other type left out).
 */
function discountTermCase(b: StatementBuilder, plan: ReconciliationPlan, by: { typeOf: string } | { only: DrugType }): string {
  const whens = plan.discountTerms.flatMap((g, k) => {
    if ('only' in by && g.drugType && g.drugType !== by.only) return [];
    const when = [eligible(b, g.exclusions)];
    if (g.channel) when.push(`${b.col('channel')} = ${b.p(b.channelCode(g.channel))}`);
    if (g.drugType && 'typeOf' in by) when.push(`${by.typeOf} = ${b.p(b.drugTypeCode(g.drugType))}`);
    if (g.effectiveFrom > plan.periodStart) when.push(`${b.col('fillDate')} >= ${b.date(g.effectiveFrom)}`);
    if (g.effectiveTo < plan.periodEnd) when.push(`${b.col('fillDate')} <= ${b.date(g.effectiveTo)}`);
    return [`WHEN ${when.join(' AND ')} THEN ${k}`];
  });
  return whens.length ? `CASE ${whens.join(' ')} ELSE NULL END` : 'NULL';
}

/** The discount rate of the term a per-claim check picked (`column` holds its index). */
function discountRateOf(b: StatementBuilder, plan: ReconciliationPlan, column: string): string {
  return plan.discountTerms.length ? `CASE ${column} ${plan.discountTerms.map((g, k) => `WHEN ${k} THEN ${b.dec(g.guaranteedValue)}`).join(' ')} END` : 'NULL';
}

/**
 * The brand/generic reclassification columns of the audit scan: the type the contract's MONY +
 * DAW definition gives the claim, and which aggregate discount term (an index into
 * `plan.discountTerms`) measures it as that type on its fill date — the term's discount is what
 * the claim's cost is held to.
 */
function reclassColumns(b: StatementBuilder, plan: ReconciliationPlan): { select: string[]; atStake: string } | null {
  if (!auditRulesFor(b.mapping).runs.includes('brand_generic_reclass')) return null;
  const def = plan.brandGeneric;
  const mony = b.col('monyCode');
  const daw = b.col('dawCode');
  const list = (values: readonly (string | number)[]) => values.map((v) => b.p(v)).join(', ');
  const generic = [`${mony} IN (${list(def.genericMony)})`, `(${mony} IN (${list(def.brandAsGenericMony)}) AND ${daw} IN (${list(def.genericDaw)}))`].join(
    ' OR ',
  );
  const derived = `CASE WHEN ${mony} IS NULL THEN NULL WHEN ${generic} THEN ${b.p(b.drugTypeCode('generic'))} ELSE ${b.p(b.drugTypeCode('brand'))} END`;
  const term = discountTermCase(b, plan, { typeOf: derived });
  return {
    select: [`${derived} AS derived_type`, `${term} AS derived_term`],
    // What the claim cost above the re-derived type's discount, rounded half away from zero.
    atStake: `ROUND(a.ic - a.awp * (1 - ${discountRateOf(b, plan, 'a.derived_term')}), 2)`,
  };
}

/**
 * The DAW penalty columns of the audit scan: whether the claim is a multi-source brand the member
 * chose (DAW 2), and the generic discount term of its channel on its fill date — the brand's cost
 * above that discount is the penalty the member should have paid.
 */
function dawPenaltyColumns(b: StatementBuilder, plan: ReconciliationPlan): { select: string[]; atStake: string } | null {
  if (!auditRulesFor(b.mapping).runs.includes('daw_penalty')) return null;
  const list = (values: readonly (string | number)[]) => values.map((v) => b.p(v)).join(', ');
  const chosen = `${b.col('monyCode')} IN (${list(multiSourceBrandMony)}) AND ${b.col('dawCode')} IN (${list(dawPenaltyCodes)})`;
  const term = discountTermCase(b, plan, { only: 'generic' });
  return {
    select: [`CASE WHEN ${chosen} THEN ${term} ELSE NULL END AS generic_term`, `${b.col('patientPayAmount')} AS patient_pay`],
    // The brand's cost above its generic's, less what the member paid, rounded half away from zero.
    atStake: `ROUND(a.ic - a.awp * (1 - ${discountRateOf(b, plan, 'a.generic_term')}), 2) - a.patient_pay`,
  };
}

/**
 * Per-claim audit checks over the same net claims, one finding per claim (first match wins:
 * duplicate fill, refill too soon, paid above U&C, ingredient cost above AWP, days supply above
 * the channel's maximum, brand/generic reclassification, unapplied DAW penalty, short fill in a
 * 90-day channel; the optional ones only where the mapping maps their fields),
 * plus every fee paid above its per-claim ceiling. Impacts leave the fee excess to the fee check,
 * so no dollar is counted twice. Ordered by kind and claim id: the output is deterministic.
 */
export function auditFindingsQuery(mapping: ClaimsSourceMapping, plan: ReconciliationPlan): SourceQuery {
  const b = new StatementBuilder(mapping);
  const { d } = b;
  const reclass = reclassColumns(b, plan);
  const daw = dawPenaltyColumns(b, plan);
  const refills = auditRulesFor(mapping).runs.includes('refill_too_soon');
  // The member's previous fill of the same GPI in the period, at any pharmacy and NDC.
  const byGpi = refills ? `OVER (PARTITION BY ${b.col('memberId')}, ${b.col('gpi')} ORDER BY ${b.col('fillDate')}, ${b.col('claimId')})` : '';
  const fillKey = [b.col('memberId'), b.col('ndc'), b.col('fillDate'), b.col('pharmacyNpi')].join(', ');
  const base = [
    `SELECT ${b.col('claimId')} AS claim_id, ${b.col('channel')} AS channel, ${b.col('drugType')} AS drug_type,`,
    `  ${b.col('awp')} AS awp, ${b.col('ingredientCostPaid')} AS ic, ${b.col('dispensingFeePaid')} AS fee, ${b.col('usualAndCustomary')} AS uc,`,
    `  ${b.col('daysSupply')} AS days, CASE WHEN ${b.flag('isUcPriced', true)} THEN 1 ELSE 0 END AS uc_priced,`,
    `  CASE WHEN ${b.flag('isCompound', true)} THEN 1 ELSE 0 END AS compound, CASE WHEN ${b.flag('is340b', true)} THEN 1 ELSE 0 END AS is_340b,`,
    `  ${d.dateText(b.col('fillDate'))} AS fill_date,`,
    `  ROW_NUMBER() OVER (PARTITION BY ${fillKey} ORDER BY ${b.col('claimId')}) AS fill_rank,`,
    `  MIN(${b.col('claimId')}) OVER (PARTITION BY ${fillKey}) AS first_fill,`,
    `  ${contractFeeExpression(b, plan)} AS contract_fee,`,
    `  CASE WHEN ${plan.feeGuarantees.length ? plan.feeGuarantees.map((g) => `(${feeTermCondition(b, plan, g)})`).join(' OR ') : '1 = 0'} THEN 1 ELSE 0 END AS fee_term_applies,`,
    `  ${reclass ? reclass.select.join(', ') : 'NULL AS derived_type, NULL AS derived_term'},`,
    `  ${daw ? daw.select.join(', ') : 'NULL AS generic_term, NULL AS patient_pay'},`,
    `  CASE ${channels.map((c) => `WHEN ${b.col('channel')} = ${b.p(b.channelCode(c))} THEN CAST(${b.p(maximumDaysSupply[c])} AS INTEGER)`).join(' ')} ELSE NULL END AS max_days,`,
    refills
      ? `  CASE WHEN ${b.col('gpi')} IS NULL THEN NULL ELSE ${d.daysBetween(`LAG(${b.col('fillDate')}) ${byGpi}`, b.col('fillDate'))} END AS days_since_fill, LAG(${b.col('daysSupply')}) ${byGpi} AS previous_days, LAG(${b.col('claimId')}) ${byGpi} AS previous_fill`
      : `  NULL AS days_since_fill, NULL AS previous_days, NULL AS previous_fill`,
    `FROM ${b.table()} c`,
    `WHERE ${netClaimsWhere(b, plan)}`,
  ].join('\n');
  const capped = `(CASE WHEN a.contract_fee IS NULL OR a.fee < a.contract_fee THEN a.fee ELSE a.contract_fee END)`;
  const ninety = plan.ninetyDayChannels.map((c) => b.p(b.channelCode(c))).join(', ');
  const minDays = b.p(ninetyDayMinimumDays);
  // A claim typed against the contract's definition that cost more than its re-derived type allows.
  const reclassWhen = reclass ? `a.derived_type <> a.drug_type AND ${reclass.atStake} > 0` : null;
  // Filled before the refill share of the previous fill's days had passed (integers: days x 100).
  const refillWhen = refills ? `a.days_since_fill * 100 < a.previous_days * ${b.p(refillTooSoonPercent)}` : null;
  // The ingredient cost of the days beyond the channel's maximum supply, rounded half away from zero.
  const beyondMax = `ROUND(a.ic * (a.days - a.max_days) / a.days, 2)`;
  const implausibleWhen = `a.days > a.max_days AND ${beyondMax} > 0`;
  // A DAW 2 multi-source brand whose member paid less than its cost above the generic discount.
  const dawWhen = daw ? `a.generic_term IS NOT NULL AND ${daw.atStake} > 0` : null;
  const kind = [
    `CASE WHEN a.fill_rank > 1 THEN 'duplicate_fill'`,
    ...(refillWhen ? [`WHEN ${refillWhen} THEN 'refill_too_soon'`] : []),
    `WHEN a.uc_priced = 0 AND a.ic + ${capped} > a.uc THEN 'paid_above_uc'`,
    `WHEN a.ic > a.awp THEN 'ingredient_above_awp'`,
    `WHEN ${implausibleWhen} THEN 'implausible_days_supply'`,
    ...(reclassWhen ? [`WHEN ${reclassWhen} THEN 'brand_generic_reclass'`] : []),
    ...(dawWhen ? [`WHEN ${dawWhen} THEN 'daw_penalty'`] : []),
    `WHEN a.channel IN (${ninety}) AND a.days < ${minDays} THEN 'short_days_supply_90' END`,
  ].join(' ');
  const impact = [
    `CASE WHEN a.fill_rank > 1 THEN a.ic + ${capped}`,
    ...(refillWhen ? [`WHEN ${refillWhen} THEN a.ic + ${capped}`] : []),
    `WHEN a.uc_priced = 0 AND a.ic + ${capped} > a.uc THEN a.ic + ${capped} - a.uc`,
    `WHEN a.ic > a.awp THEN a.ic - a.awp`,
    `WHEN ${implausibleWhen} THEN ${beyondMax}`,
    ...(reclassWhen && reclass ? [`WHEN ${reclassWhen} THEN ${reclass.atStake}`] : []),
    ...(dawWhen && daw ? [`WHEN ${dawWhen} THEN ${daw.atStake}`] : []),
    `ELSE ${capped} END`,
  ].join(' ');
  // Each finding carries its claim's figures and flags: the engine takes the dollars it recovers
  // out of the aggregate terms that measure the same claim.
  const termWhens = [
    ...(reclassWhen ? [`WHEN f.kind = 'brand_generic_reclass' THEN f.term_index`] : []),
    ...(dawWhen ? [`WHEN f.kind = 'daw_penalty' THEN f.generic_term`] : []),
  ];
  const termIndex = termWhens.length ? `CASE ${termWhens.join(' ')} ELSE NULL END` : 'NULL';
  const claim = `a.claim_id, a.channel, a.drug_type, a.fill_date, a.awp, a.ic, a.fee, a.uc_priced, a.compound, a.is_340b`;
  const text = [
    `WITH audited AS (\n${base}\n)`,
    // The term a finding is held to: the re-derived type's for a reclassification, the generic's for a DAW penalty.
    `SELECT f.kind, f.claim_id, f.channel, f.drug_type, ${d.exactText('f.impact')} AS impact, f.related_claim_id,`,
    `  ${termIndex} AS term_index,`,
    `  f.fill_date, ${d.exactText('f.awp')} AS awp, ${d.exactText('f.ic')} AS ic, ${d.exactText('f.fee')} AS fee, f.uc_priced, f.compound, f.is_340b FROM (`,
    `  SELECT ${kind} AS kind, ${claim}, ${impact} AS impact,`,
    `    CASE WHEN a.fill_rank > 1 THEN a.first_fill ${refillWhen ? `WHEN ${refillWhen} THEN a.previous_fill ` : ''}ELSE NULL END AS related_claim_id, a.derived_term AS term_index, a.generic_term`,
    `  FROM audited a`,
    `  UNION ALL`,
    `  SELECT 'fee_above_contract' AS kind, ${claim}, a.fee - a.contract_fee AS impact, NULL AS related_claim_id, NULL AS term_index, NULL AS generic_term`,
    `  FROM audited a WHERE a.fee_term_applies = 1 AND a.fee > a.contract_fee`,
    `) f`,
    `WHERE f.kind IS NOT NULL`,
    `ORDER BY f.kind, f.claim_id`,
  ].join('\n');
  return { name: 'audit-findings', text, params: b.params };
}

/** The net eligible claim ids behind one term, in id order: the evidence of a shortfall finding. */
export function termClaimIdsQuery(mapping: ClaimsSourceMapping, plan: ReconciliationPlan, g: PlannedTerm): SourceQuery {
  const b = new StatementBuilder(mapping);
  const where = [netClaimsWhere(b, plan), eligible(b, plan.exclusionSets[exclusionSetIndex(plan, g)] ?? g.exclusions), scopeCondition(b, plan, g)];
  const text = `SELECT ${b.col('claimId')} AS claim_id\nFROM ${b.table()} c\nWHERE ${where.join('\n  AND ')}\nORDER BY ${b.col('claimId')}`;
  return { name: `claim-ids:${g.termKey}`, text, params: b.params };
}

/**
 * The source watermark: a fingerprint of every claim row of the client (reversals of this period's
 * claims may be dated later). Any insert, update or delete of the client's claims changes it.
 */
export function watermarkQuery(mapping: ClaimsSourceMapping, clientId: string): SourceQuery {
  const b = new StatementBuilder(mapping);
  const { d } = b;
  const text = [
    `SELECT COUNT(*) AS claim_rows, MAX(${b.col('claimId')}) AS max_claim_id, ${d.dateText(`MAX(${b.col('fillDate')})`)} AS max_fill_date,`,
    `  ${d.exactText(`SUM(${b.col('ingredientCostPaid')})`)} AS ingredient_cost, ${d.exactText(`SUM(${b.col('awp')})`)} AS awp`,
    `FROM ${b.table()} c`,
    `WHERE ${b.col('clientId')} = ${b.p(clientId)}`,
  ].join('\n');
  return { name: 'watermark', text, params: b.params };
}

/** Source codes back to canonical values (the aggregate rows carry the source's own codes). */
export function canonicalCodes(mapping: ClaimsSourceMapping): {
  channel: Map<string, Channel>;
  drugType: Map<string, DrugType>;
} {
  return {
    channel: new Map(channels.map((c) => [mapping.channelCodes?.[c] ?? c, c])),
    drugType: new Map(drugTypes.map((t) => [mapping.drugTypeCodes?.[t] ?? t, t])),
  };
}
