import type { DataSource, EntityManager } from 'typeorm';
import type { CuratedPublication } from './curated-publication.port';

/** The embedded stand-in: the same table in PostgreSQL's `dedicated_domo_takeover` schema, replaced in one transaction. */
export class PostgresCuratedPublication implements CuratedPublication {
  readonly target = 'postgres' as const;

  constructor(private readonly ds: DataSource) {}

  publish(model: string): Promise<{ rows: number }> {
    return this.ds.transaction(async (tx: EntityManager) => {
      await tx.query(`DELETE FROM dedicated_domo_takeover.savings_by_client_month WHERE model = $1`, [model]);
      await tx.query(
        `INSERT INTO dedicated_domo_takeover.savings_by_client_month (model, client_id, month, channel, drug_type, claim_count, awp_total, paid_total, savings, published_at)
         SELECT model, client_id, month, channel, drug_type, claim_count, awp_total, paid_total, savings, now() FROM domo_curated_savings WHERE model = $1`,
        [model],
      );
      const n = (await tx.query(`SELECT count(*)::int AS n FROM dedicated_domo_takeover.savings_by_client_month WHERE model = $1`, [model])) as { n: number }[];
      return { rows: n[0]?.n ?? 0 };
    });
  }
}
