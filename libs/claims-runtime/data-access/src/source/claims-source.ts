import type { DataSource } from 'typeorm';
import type { ClaimExclusion } from '@leaf/contracts';
import { fromUnits, toUnits } from '@leaf/contracts';
import {
  divideHalfUp,
  matchesBucket,
  termCoversSegment,
  type AuditRow,
  type BucketAggregate,
  type PlannedTerm,
  type ReconciliationPlan,
} from '@leaf/claims-runtime/domain';
import type { ClaimsSourceMapping } from './claims-source-mapping';
import { ClaimsSourceError } from './claims-source.error';
import { assertReadOnlySql } from './read-only-sql';
import { auditFindingsQuery, bucketAggregateQuery, canonicalCodes, termClaimIdsQuery, watermarkQuery, type SourceQuery } from './reconciliation-queries';

type Row = Record<string, string | number | null>;

/** A decimal of any scale as 2-place money, rounded half up (SUM of a 6-place difference, say). */
export function normalizeMoney(value: string | number | null): string {
  if (value === null) return '0.00';
  const text = String(value);
  const places = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  if (places <= 2) return fromUnits(toUnits(text, 2), 2);
  return fromUnits(divideHalfUp(toUnits(text, places), 10n ** BigInt(places - 2)), 2);
}

export interface SourceWatermark {
  readonly claimRows: number;
  readonly maxClaimId: string | null;
  readonly maxFillDate: string | null;
  readonly ingredientCost: string;
  readonly awp: string;
}

/**
 * The claims authority, read-only: it only ever sends the SELECTs built from the validated
 * mapping, each checked by `assertReadOnlySql` on the way out. Every statement it sends is
 * returned to the caller too, so a run can record exactly what it asked.
 */
export class ClaimsSource {
  readonly sent: SourceQuery[] = [];

  constructor(
    private readonly ds: DataSource,
    readonly mapping: ClaimsSourceMapping,
  ) {
    const driver = ds.options.type === 'mssql' ? 'mssql' : 'postgres';
    if (driver !== mapping.dialect) {
      throw new ClaimsSourceError('CLAIMS_SOURCE_UNSUPPORTED', `the mapping is for ${mapping.dialect} but the claims connection is ${driver}`);
    }
  }

  private async run(query: SourceQuery, record = true): Promise<Row[]> {
    assertReadOnlySql(query.text);
    if (record) this.sent.push(query);
    try {
      return (await this.ds.query(query.text, [...query.params])) as Row[];
    } catch (error) {
      throw new ClaimsSourceError('CLAIMS_SOURCE_QUERY_FAILED', `claims source query ${query.name} failed`, { cause: error });
    }
  }

  async watermark(clientId: string): Promise<SourceWatermark> {
    const [row] = await this.run(watermarkQuery(this.mapping, clientId));
    return {
      claimRows: Number(row?.['claim_rows'] ?? 0),
      maxClaimId: (row?.['max_claim_id'] as string | null) ?? null,
      maxFillDate: (row?.['max_fill_date'] as string | null) ?? null,
      ingredientCost: normalizeMoney(row?.['ingredient_cost'] ?? null),
      awp: normalizeMoney(row?.['awp'] ?? null),
    };
  }

  async bucketAggregates(plan: ReconciliationPlan): Promise<BucketAggregate[]> {
    const codes = canonicalCodes(this.mapping);
    const rows = await this.run(bucketAggregateQuery(this.mapping, plan));
    const out: BucketAggregate[] = [];
    for (const r of rows) {
      const channel = codes.channel.get(String(r['channel']));
      const drugType = codes.drugType.get(String(r['drug_type']));
      // Codes the mapping does not know are outside every guarantee; they still count as claims.
      if (!channel || !drugType) continue;
      const sets = plan.exclusionSets.map((_, k) => ({
        claims: Number(r[`n_${k}`]),
        awp: normalizeMoney(r[`awp_${k}`]),
        ingredientCost: normalizeMoney(r[`ic_${k}`]),
        dispensingFee: normalizeMoney(r[`fee_${k}`]),
      }));
      // The set that excludes every flag holds the eligible claims: the rest are excluded.
      const eligible = sets[plan.eligibleSet] ?? {
        claims: 0,
        awp: '0.00',
        ingredientCost: '0.00',
      };
      const netClaims = Number(r['net_claims']);
      const segment = r['segment'] === undefined ? 0 : Number(r['segment']);
      out.push({
        channel,
        drugType,
        segment,
        netClaims,
        excludedClaims: netClaims - eligible.claims,
        eligibleAwp: eligible.awp,
        eligibleIngredientCost: eligible.ingredientCost,
        awp: normalizeMoney(r['awp']),
        ingredientCost: normalizeMoney(r['ingredient_cost']),
        sets,
        feeExcess: plan.feeGuarantees.map((g, f) =>
          !plan.sharedFeeCeiling
            ? {
                claims: Number(r[`fxn_${f}`]),
                amount: normalizeMoney(r[`fx_${f}`]),
              }
            : // One pair of sums for the row: it is the excess of the one term over its cell.
              matchesBucket(g, channel, drugType) && termCoversSegment(plan, g, segment)
              ? { claims: Number(r['fxn']), amount: normalizeMoney(r['fx']) }
              : { claims: 0, amount: '0.00' },
        ),
      });
    }
    const order = (a: BucketAggregate) => `${a.channel}/${a.drugType}/${String(a.segment).padStart(4, '0')}`;
    return out.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  }

  async auditRows(plan: ReconciliationPlan): Promise<AuditRow[]> {
    const codes = canonicalCodes(this.mapping);
    const rows = await this.run(auditFindingsQuery(this.mapping, plan));
    const flag = (v: unknown) => Number(v) === 1;
    return rows.map((r) => {
      const flags: ClaimExclusion[] = [];
      if (flag(r['uc_priced'])) flags.push('uc_priced');
      if (flag(r['compound'])) flags.push('compound');
      if (flag(r['is_340b'])) flags.push('340b');
      return {
        kind: r['kind'] as AuditRow['kind'],
        claimId: String(r['claim_id']),
        channel: codes.channel.get(String(r['channel'])) ?? null,
        drugType: codes.drugType.get(String(r['drug_type'])) ?? null,
        fillDate: String(r['fill_date']),
        flags,
        awp: normalizeMoney(r['awp']),
        ingredientCost: normalizeMoney(r['ic']),
        dispensingFee: normalizeMoney(r['fee']),
        impact: normalizeMoney(r['impact']),
        relatedClaimId: (r['related_claim_id'] as string | null) ?? null,
        termIndex: r['term_index'] === null || r['term_index'] === undefined ? null : Number(r['term_index']),
      };
    });
  }

  /** The claim ids behind a term, in id order. */
  async claimIdsFor(plan: ReconciliationPlan, g: PlannedTerm): Promise<string[]> {
    const rows = await this.run(termClaimIdsQuery(this.mapping, plan, g));
    return rows.map((r) => String(r['claim_id']));
  }
}
