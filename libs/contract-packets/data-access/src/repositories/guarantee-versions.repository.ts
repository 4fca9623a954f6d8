import type { CurrentTerm } from '@leaf/contract-packets/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { trimRate } from './packet-registry.repository';

/** A new version of a contracted term, with the packet cell it came from. */
export interface GuaranteeVersionRow {
  readonly guaranteeId: string;
  readonly clientId: string;
  readonly periodId: string;
  readonly metric: string;
  readonly channel: string | null;
  readonly drugType: string | null;
  readonly guaranteedValue: string;
  readonly method: string;
  readonly exclusions: string;
  readonly evidenceObjectId: string;
  readonly evidenceSha256: string;
  readonly evidenceLocator: string;
}

const placeholders = (manager: EntityManager) => (manager.connection.driver.options.type === 'mssql' ? (i: number) => `@${i}` : (i: number) => `$${i + 1}`);

/**
 * contract_guarantees as the packets see it: the periods a client has, the current version of
 * each term, and appending versions. The table is shared with claims-runtime (which reads the
 * highest version per guarantee id), so rows are only ever added, never changed.
 */
export class GuaranteeVersionsRepository {
  constructor(private readonly ds: DataSource) {}

  async periodsOf(clientId: string): Promise<Set<string>> {
    const p = placeholders(this.ds.manager);
    const rows: { period_id: string }[] = await this.ds.query(`SELECT period_id FROM contract_periods WHERE client_id = ${p(0)}`, [clientId]);
    return new Set(rows.map((r) => r.period_id));
  }

  async current(periodId: string, manager: EntityManager = this.ds.manager): Promise<Map<string, CurrentTerm & { version: number; sha256: string | null }>> {
    const p = placeholders(manager);
    const rows: Array<{ guarantee_id: string; version: number; guaranteed_value: string; evidence_source: string; evidence_object_id: string; evidence_locator: string; evidence_sha256: string | null }> = await manager.query(
      `SELECT g.guarantee_id, g.version, g.guaranteed_value, g.evidence_source, g.evidence_object_id, g.evidence_locator, g.evidence_sha256
         FROM contract_guarantees g
        WHERE g.period_id = ${p(0)}
          AND g.version = (SELECT MAX(g2.version) FROM contract_guarantees g2 WHERE g2.guarantee_id = g.guarantee_id)`,
      [periodId],
    );
    return new Map(
      rows.map((r) => [
        r.guarantee_id,
        {
          guaranteeId: r.guarantee_id,
          version: Number(r.version),
          value: trimRate(String(r.guaranteed_value)),
          sourceSystem: r.evidence_source,
          objectId: r.evidence_object_id,
          locator: r.evidence_locator,
          sha256: r.evidence_sha256 ? r.evidence_sha256.trim() : null,
        },
      ]),
    );
  }

  async append(manager: EntityManager, row: GuaranteeVersionRow, version: number): Promise<void> {
    const p = placeholders(manager);
    await manager.query(
      `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
                                        evidence_source, evidence_object_id, evidence_sha256, evidence_locator)
       VALUES (${Array.from({ length: 14 }, (_, i) => p(i)).join(', ')})`,
      [row.guaranteeId, version, row.clientId, row.periodId, row.metric, row.channel, row.drugType, row.guaranteedValue, row.method, row.exclusions, 'contract-packet', row.evidenceObjectId, row.evidenceSha256, row.evidenceLocator],
    );
  }
}
