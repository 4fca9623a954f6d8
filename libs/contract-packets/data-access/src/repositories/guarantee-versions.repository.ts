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
  /** The dates the packet says the version is in force; null: from the period's start / to its end. */
  readonly effectiveFrom?: string | null;
  readonly effectiveTo?: string | null;
}

/** A dated term that cannot be recorded as dated: promoting it would apply it to the whole period. */
export class TermDatesError extends Error {
  readonly code = 'TERM_DATES_UNRECORDABLE';
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
    const rows: Array<{
      guarantee_id: string;
      version: number;
      guaranteed_value: string;
      evidence_source: string;
      evidence_object_id: string;
      evidence_locator: string;
      evidence_sha256: string | null;
    }> = await manager.query(
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

  /**
   * Appends `version` of a term. Columns the packet does not speak to (claims-runtime's
   * `offset_group` and `finding_overlap`, when its migrations added them) are carried over from
   * the previous version.
   */
  async append(manager: EntityManager, row: GuaranteeVersionRow, version: number): Promise<void> {
    const p = placeholders(manager);
    const columns = await this.columns(manager);
    const carried = columns.filter((c) => version > 1 && carriedColumns.includes(c));
    const dated = await this.datesWithin(manager, row);
    const values: unknown[] = [
      row.guaranteeId,
      version,
      row.clientId,
      row.periodId,
      row.metric,
      row.channel,
      row.drugType,
      row.guaranteedValue,
      row.method,
      row.exclusions,
      'contract-packet',
      row.evidenceObjectId,
      row.evidenceSha256,
      row.evidenceLocator,
    ];
    const names = [
      'guarantee_id',
      'version',
      'client_id',
      'period_id',
      'metric',
      'channel',
      'drug_type',
      'guaranteed_value',
      'method',
      'exclusions',
      'evidence_source',
      'evidence_object_id',
      'evidence_sha256',
      'evidence_locator',
    ];
    if (dated.from !== null || dated.to !== null) {
      // claims-runtime's migration adds the columns; without them the term would silently cover the whole period.
      if (!columns.includes('effective_from') || !columns.includes('effective_to')) {
        throw new TermDatesError(
          `${row.guaranteeId} is in force ${dated.from ?? 'from the start'} to ${dated.to ?? 'the end'} only, but contract_guarantees cannot record dates (claims-runtime migration 1733000000012 has not run)`,
        );
      }
      names.push('effective_from', 'effective_to');
      values.push(dated.from, dated.to);
    }
    const carriedSql = carried.map(
      (c) => `(SELECT prev.${c} FROM contract_guarantees prev WHERE prev.guarantee_id = ${p(values.length)} AND prev.version = ${p(values.length + 1)})`,
    );
    await manager.query(
      `INSERT INTO contract_guarantees (${[...names, ...carried].join(', ')})
       VALUES (${[...values.map((_, i) => p(i)), ...carriedSql].join(', ')})`,
      carried.length ? [...values, row.guaranteeId, version - 1] : values,
    );
  }

  /**
   * The packet's dates as the version records them: a bound that is the period's own start or end
   * is no bound (NULL), so a schedule dated with its whole term needs no dates at all. Dates
   * outside the period are refused, never clipped silently.
   */
  private async datesWithin(manager: EntityManager, row: GuaranteeVersionRow): Promise<{ from: string | null; to: string | null }> {
    if (!row.effectiveFrom && !row.effectiveTo) return { from: null, to: null };
    const p = placeholders(manager);
    const [period]: Array<{ start: string; end: string }> = await manager.query(
      `SELECT TO_CHAR(start_date, 'YYYY-MM-DD') AS start, TO_CHAR(end_date, 'YYYY-MM-DD') AS "end" FROM contract_periods WHERE period_id = ${p(0)}`,
      [row.periodId],
    );
    if (!period) throw new TermDatesError(`contract period ${row.periodId} is unknown`);
    const from = row.effectiveFrom && row.effectiveFrom > period.start ? row.effectiveFrom : null;
    const to = row.effectiveTo && row.effectiveTo < period.end ? row.effectiveTo : null;
    if ((from ?? period.start) > (to ?? period.end) || (row.effectiveFrom ?? period.start) > period.end || (row.effectiveTo ?? period.end) < period.start) {
      throw new TermDatesError(
        `${row.guaranteeId}: ${row.effectiveFrom ?? '…'} to ${row.effectiveTo ?? '…'} is not within contract period ${row.periodId} (${period.start} to ${period.end})`,
      );
    }
    return { from, to };
  }

  private known: Promise<string[]> | undefined;

  /** contract_guarantees' columns (other services' migrations add some of them). */
  private columns(manager: EntityManager): Promise<string[]> {
    this.known ??= manager
      .query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'contract_guarantees'`)
      .then((rows: Array<{ name: string }>) => rows.map((r) => r.name));
    return this.known;
  }
}

/** contract_guarantees columns other services own and a promotion keeps as they were. */
const carriedColumns = ['offset_group', 'finding_overlap'];
