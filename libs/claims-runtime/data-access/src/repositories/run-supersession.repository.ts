import type { RunSupersededBy } from '@leaf/contracts';
import { rowsOf } from '@leaf/persistence';
import type { DataSource, EntityManager } from 'typeorm';

/** A promotion as contract-packets announced it (`contracts.packet-promoted.v1`). */
export interface PromotedTerms {
  clientId: string;
  packetId: string;
  sha256: string;
  guaranteeIds: string[];
  promotedAt: string;
}

export interface SupersededRun {
  runId: string;
  periodId: string;
}

/**
 * Marks the client's succeeded runs whose terms a promotion replaced. A run planned from the
 * guarantee versions current when it started, so a run of the same period that started before a
 * promoted version was written used an older one. (A promotion landing between a run's creation
 * and its planning marks it too: a conservative answer, the user reruns.) Runs already superseded
 * keep their first record; the message id of the promotion makes the whole call replay-safe.
 */
export class RunSupersession {
  constructor(private readonly ds: DataSource) {}

  /** In the caller's transaction when given one (the consumer's inbox record commits with it). */
  async apply(promoted: PromotedTerms, manager?: EntityManager): Promise<SupersededRun[]> {
    if (promoted.guaranteeIds.length === 0) return [];
    const work = async (m: EntityManager): Promise<SupersededRun[]> => {
      // The newest version of each promoted guarantee is the one the promotion wrote.
      const versions: Array<{ guarantee_id: string; version: number; period_id: string }> = await m.query(
        `SELECT g.guarantee_id, g.version, g.period_id FROM contract_guarantees g
          WHERE g.client_id = $1 AND g.guarantee_id = ANY($2)
            AND g.version = (SELECT max(x.version) FROM contract_guarantees x WHERE x.guarantee_id = g.guarantee_id)
          ORDER BY g.guarantee_id`,
        [promoted.clientId, promoted.guaranteeIds],
      );
      const byPeriod = new Map<string, Array<{ guaranteeId: string; version: number }>>();
      for (const v of versions) {
        byPeriod.set(v.period_id, [...(byPeriod.get(v.period_id) ?? []), { guaranteeId: v.guarantee_id, version: Number(v.version) }]);
      }
      const superseded: SupersededRun[] = [];
      for (const [periodId, guarantees] of byPeriod) {
        const record: RunSupersededBy = {
          at: new Date(promoted.promotedAt).toISOString(),
          packetId: promoted.packetId,
          packetSha256: promoted.sha256,
          guarantees,
        };
        const rows: Array<{ run_id: string }> = await m
          .query(
            `UPDATE reconciliation_runs r SET superseded_at = now(), superseded_by = $4
            WHERE r.client_id = $1 AND r.period_id = $2 AND r.status = 'succeeded' AND r.superseded_at IS NULL
              AND r.created_at < (SELECT max(g.created_at) FROM contract_guarantees g
                                   WHERE g.client_id = $1 AND g.period_id = $2 AND (g.guarantee_id, g.version) IN (SELECT * FROM unnest($3::text[], $5::int[])))
            RETURNING r.run_id`,
            [promoted.clientId, periodId, guarantees.map((g) => g.guaranteeId), JSON.stringify(record), guarantees.map((g) => g.version)],
          )
          .then((result) => rowsOf<{ run_id: string }>(result));
        superseded.push(...rows.map((r) => ({ runId: r.run_id, periodId })));
      }
      return superseded;
    };
    return manager ? work(manager) : this.ds.transaction(work);
  }
}
