import { fromCents, fromUnits, toCents, type ClaimsSummary, type ClaimsSummaryQuery } from '@leaf/contracts';
import type { DataSource } from 'typeorm';

interface BucketRow {
  channel: ClaimsSummary['buckets'][number]['channel'];
  drug_type: ClaimsSummary['buckets'][number]['drugType'];
  claim_count: string | number;
  reversal_count: string | number;
  awp: string;
  ingredient_cost_paid: string;
  dispensing_fee_paid: string;
}

/** Sums of NUMERIC(…,2) columns come back as exact decimal strings; normalise to two places. */
const money = (value: string | null): string => fromCents(toCents(value ?? '0'));

/** 1 - cost/awp to 6 places, half-up, computed in integers (never floating point). */
function effectiveDiscount(awp: string, cost: string): string | null {
  const a = toCents(awp);
  if (a === 0n) return null;
  const scaled = ((a - toCents(cost)) * 10_000_000n) / a; // 7 places, then round to 6
  return fromUnits((scaled >= 0n ? scaled + 5n : scaled - 5n) / 10n, 6);
}

/**
 * Claims by channel x brand/generic for a client. The aggregation runs in the database in one
 * GROUP BY (reversal rows carry negative amounts, so sums are net); Node only formats the result.
 */
export class ClaimsSummaryRepository {
  constructor(private readonly ds: DataSource) {}

  async summarise(clientId: string, query: ClaimsSummaryQuery): Promise<ClaimsSummary> {
    const qb = this.ds
      .createQueryBuilder()
      .select('c.channel', 'channel')
      .addSelect('c.drug_type', 'drug_type')
      // Net claims, as the engine counts them: a claim a reversal undoes is not a claim (its
      // amounts cancel against the reversal's negative ones in the sums below).
      .addSelect(
        `SUM(CASE WHEN c.is_reversal = :yes OR EXISTS (
           SELECT 1 FROM claims r
            WHERE r.reverses_claim_id = c.claim_id AND r.client_id = c.client_id AND r.is_reversal = :yes
         ) THEN 0 ELSE 1 END)`,
        'claim_count',
      )
      .addSelect('SUM(CASE WHEN c.is_reversal = :yes THEN 1 ELSE 0 END)', 'reversal_count')
      .addSelect('SUM(c.awp)', 'awp')
      .addSelect('SUM(c.ingredient_cost_paid)', 'ingredient_cost_paid')
      .addSelect('SUM(c.dispensing_fee_paid)', 'dispensing_fee_paid')
      .from('claims', 'c')
      .where('c.client_id = :clientId', { clientId, yes: true })
      .groupBy('c.channel')
      .addGroupBy('c.drug_type')
      .orderBy('c.channel', 'ASC')
      .addOrderBy('c.drug_type', 'ASC');
    if (query.from) qb.andWhere('c.fill_date >= :from', { from: query.from });
    if (query.to) qb.andWhere('c.fill_date <= :to', { to: query.to });
    const rows = await qb.getRawMany<BucketRow>();

    const buckets = rows.map((r) => {
      const awp = money(r.awp);
      const ingredientCostPaid = money(r.ingredient_cost_paid);
      return {
        channel: r.channel,
        drugType: r.drug_type,
        claimCount: Number(r.claim_count),
        reversalCount: Number(r.reversal_count),
        awp,
        ingredientCostPaid,
        dispensingFeePaid: money(r.dispensing_fee_paid),
        effectiveDiscount: effectiveDiscount(awp, ingredientCostPaid),
      };
    });
    return {
      clientId,
      from: query.from ?? null,
      to: query.to ?? null,
      buckets,
      totals: {
        claimCount: buckets.reduce((n, b) => n + b.claimCount, 0),
        awp: fromCents(buckets.reduce((s, b) => s + toCents(b.awp), 0n)),
        ingredientCostPaid: fromCents(buckets.reduce((s, b) => s + toCents(b.ingredientCostPaid), 0n)),
      },
    };
  }
}
