import type { DataSource, EntityManager } from 'typeorm';
import { savingsModel, type CuratedRow, type KeyedRow } from '@leaf/domo-takeover/domain';

/**
 * The backend's savings model, computed in SQL from the claims source (the `claims` stand-in
 * table locally; the read-only SQL Server when deployed) and kept per model version. The gross
 * figures (reversals ignored) are computed beside it: a Domo number equal to them is a definition
 * change, not an error of either side.
 */
export async function refreshCuratedSavings(ds: DataSource): Promise<number> {
  return ds.transaction(async (tx: EntityManager) => {
    await tx.query(`DELETE FROM domo_curated_savings WHERE model = $1`, [savingsModel.id]);
    await tx.query(
      `INSERT INTO domo_curated_savings (model, client_id, month, channel, drug_type, claim_count, awp_total, paid_total, savings,
         claim_count_gross, awp_total_gross, paid_total_gross, savings_gross, computed_at)
       SELECT $1, client_id, date_trunc('month', fill_date)::date, channel, drug_type,
         count(*) FILTER (WHERE NOT is_reversal) - count(*) FILTER (WHERE is_reversal),
         sum(awp), sum(ingredient_cost_paid), sum(awp - ingredient_cost_paid),
         count(*) FILTER (WHERE NOT is_reversal),
         coalesce(sum(awp) FILTER (WHERE NOT is_reversal), 0),
         coalesce(sum(ingredient_cost_paid) FILTER (WHERE NOT is_reversal), 0),
         coalesce(sum(awp - ingredient_cost_paid) FILTER (WHERE NOT is_reversal), 0),
         now()
       FROM claims GROUP BY client_id, date_trunc('month', fill_date), channel, drug_type`,
      [savingsModel.id],
    );
    const rows = (await tx.query(`SELECT count(*)::int AS n FROM domo_curated_savings WHERE model = $1`, [savingsModel.id])) as { n: number }[];
    return rows[0]?.n ?? 0;
  });
}

interface SavingsSqlRow {
  client_id: string;
  month: string;
  channel: string;
  drug_type: string;
  claim_count: string;
  awp_total: string;
  paid_total: string;
  savings: string;
}

const key = (r: SavingsSqlRow) => ({ client_id: r.client_id, month: r.month, channel: r.channel, drug_type: r.drug_type });
const values = (r: SavingsSqlRow) => ({
  claim_count: Number(r.claim_count),
  awp_total: Number(r.awp_total),
  paid_total: Number(r.paid_total),
  savings: Number(r.savings),
});

export async function curatedSavingsRows(ds: DataSource): Promise<CuratedRow[]> {
  const rows = (await ds.query(
    `SELECT client_id, month::text AS month, channel, drug_type, claim_count, awp_total, paid_total, savings,
       claim_count_gross, awp_total_gross, paid_total_gross, savings_gross
     FROM domo_curated_savings WHERE model = $1`,
    [savingsModel.id],
  )) as (SavingsSqlRow & { claim_count_gross: string; awp_total_gross: string; paid_total_gross: string; savings_gross: string })[];
  return rows.map((r) => ({
    key: key(r),
    values: values(r),
    alternates: {
      gross_of_reversals: {
        claim_count: Number(r.claim_count_gross),
        awp_total: Number(r.awp_total_gross),
        paid_total: Number(r.paid_total_gross),
        savings: Number(r.savings_gross),
      },
    },
  }));
}

/** Domo's published savings rows of one (silver) export. */
export async function domoSavingsRows(ds: DataSource, exportId: string): Promise<KeyedRow[]> {
  const rows = (await ds.query(
    `SELECT client_id, month::text AS month, channel, drug_type, claim_count, awp_total, paid_total, savings
     FROM domo_silver_savings_by_client_month WHERE export_id = $1 ORDER BY row_no`,
    [exportId],
  )) as SavingsSqlRow[];
  return rows.map((r) => ({ key: key(r), values: values(r) }));
}
