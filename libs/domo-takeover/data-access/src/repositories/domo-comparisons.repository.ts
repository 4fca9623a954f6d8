import type { DataSource, EntityManager } from 'typeorm';
import type { DomoComparison, DomoComparisonSummary, DomoDatasetName, DomoDifference, DomoDifferenceQuery } from '@leaf/contracts';
import type { Difference } from '@leaf/domo-takeover/domain';

export interface NewComparison {
  readonly comparisonId: string;
  readonly dataset: DomoDatasetName;
  readonly exportId: string;
  readonly model: string;
  readonly createdAt: Date;
  readonly summary: DomoComparisonSummary;
  readonly differences: readonly Difference[];
  readonly jsonKey: string;
  readonly xlsxKey: string;
  readonly pdfKey: string;
}

interface ComparisonRow {
  comparison_id: string;
  dataset: DomoDatasetName;
  export_id: string;
  model: string;
  summary: string;
  json_key: string | null;
  xlsx_key: string | null;
  pdf_key: string | null;
  signed_decision: 'approved' | 'rejected' | null;
  signed_by: string | null;
  signed_at: Date | null;
  signed_note: string | null;
  created_at: Date;
}

const shaOf = (key: string | null) => (key === null ? null : (key.split('/').pop() ?? null));

export class DomoComparisonsRepository {
  constructor(private readonly ds: DataSource) {}

  /** The comparison and all its differences in one transaction (batched inserts of 2,000). */
  async insert(c: NewComparison): Promise<void> {
    await this.ds.transaction(async (tx: EntityManager) => {
      await tx.query(
        `INSERT INTO domo_comparisons (comparison_id, dataset, export_id, model, summary, json_key, xlsx_key, pdf_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [c.comparisonId, c.dataset, c.exportId, c.model, JSON.stringify(c.summary), c.jsonKey, c.xlsxKey, c.pdfKey, c.createdAt],
      );
      for (let at = 0; at < c.differences.length; at += 2000) {
        const slice = c.differences.slice(at, at + 2000);
        await tx.query(
          `INSERT INTO domo_differences (comparison_id, seq, key_values, measure, domo_value, backend_value, delta, material, reason, note)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::boolean[], $9::text[], $10::text[])`,
          [
            c.comparisonId,
            slice.map((_, i) => at + i + 1),
            slice.map((d) => JSON.stringify(d.key)),
            slice.map((d) => d.measure),
            slice.map((d) => d.domo),
            slice.map((d) => d.backend),
            slice.map((d) => d.delta),
            slice.map((d) => d.material),
            slice.map((d) => d.reason),
            slice.map((d) => d.note.slice(0, 500)),
          ],
        );
      }
    });
  }

  async get(comparisonId: string): Promise<(DomoComparison & { jsonKey: string | null; xlsxKey: string | null; pdfKey: string | null }) | undefined> {
    const rows = (await this.ds.query(`SELECT * FROM domo_comparisons WHERE comparison_id = $1`, [comparisonId])) as ComparisonRow[];
    return rows[0] === undefined ? undefined : toComparison(rows[0]);
  }

  async list(limit: number, offset: number): Promise<DomoComparison[]> {
    const rows = (await this.ds.query(`SELECT * FROM domo_comparisons ORDER BY created_at DESC, comparison_id LIMIT $1 OFFSET $2`, [
      limit,
      offset,
    ])) as ComparisonRow[];
    return rows.map((r) => {
      const { jsonKey: _j, xlsxKey: _x, pdfKey: _p, ...rest } = toComparison(r);
      return rest;
    });
  }

  async differences(comparisonId: string, q: DomoDifferenceQuery): Promise<{ items: DomoDifference[]; total: number }> {
    const where = `comparison_id = $1 AND ($2::text IS NULL OR reason = $2) AND ($3::boolean IS NULL OR material = $3)`;
    const params = [comparisonId, q.reason ?? null, q.material ?? null];
    const total = (await this.ds.query(`SELECT count(*)::int AS n FROM domo_differences WHERE ${where}`, params)) as { n: number }[];
    const rows = (await this.ds.query(
      `SELECT seq, key_values, measure, domo_value::float8 AS domo, backend_value::float8 AS backend, delta::float8 AS delta, material, reason, note
       FROM domo_differences WHERE ${where} ORDER BY seq LIMIT $4 OFFSET $5`,
      [...params, q.limit, q.offset],
    )) as {
      seq: number;
      key_values: string;
      measure: string;
      domo: number | null;
      backend: number | null;
      delta: number;
      material: boolean;
      reason: DomoDifference['reason'];
      note: string;
    }[];
    return {
      total: total[0]?.n ?? 0,
      items: rows.map((r) => ({
        seq: r.seq,
        key: JSON.parse(r.key_values) as Record<string, string>,
        measure: r.measure,
        domo: r.domo,
        backend: r.backend,
        delta: r.delta,
        material: r.material,
        reason: r.reason,
        note: r.note,
      })),
    };
  }

  /** Whether a comparison of this export exists (a start that compares does so once per export). */
  async existsFor(exportId: string): Promise<boolean> {
    const rows = (await this.ds.query(`SELECT 1 FROM domo_comparisons WHERE export_id = $1 LIMIT 1`, [exportId])) as unknown[];
    return rows.length > 0;
  }

  /** Records the sign-off unless one exists (the WHERE makes a race lose, not overwrite). */
  async signOff(comparisonId: string, decision: 'approved' | 'rejected', by: string, note: string | null): Promise<boolean> {
    const rows = (await this.ds.query(
      `UPDATE domo_comparisons SET signed_decision = $2, signed_by = $3, signed_note = $4, signed_at = now() WHERE comparison_id = $1 AND signed_decision IS NULL RETURNING comparison_id`,
      [comparisonId, decision, by, note],
    )) as unknown[];
    // pg answers [rows, count] for UPDATE … RETURNING through TypeORM.
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
  }
}

function toComparison(r: ComparisonRow): DomoComparison & { jsonKey: string | null; xlsxKey: string | null; pdfKey: string | null } {
  const json = shaOf(r.json_key);
  const xlsx = shaOf(r.xlsx_key);
  return {
    comparisonId: r.comparison_id,
    dataset: r.dataset,
    exportId: r.export_id,
    model: r.model,
    createdAt: new Date(r.created_at).toISOString(),
    summary: JSON.parse(r.summary) as DomoComparisonSummary,
    packet: json && xlsx ? { jsonSha256: json, xlsxSha256: xlsx, pdfSha256: shaOf(r.pdf_key) } : null,
    signOff:
      r.signed_decision === null
        ? null
        : { decision: r.signed_decision, by: r.signed_by ?? '', at: new Date(r.signed_at ?? 0).toISOString(), note: r.signed_note },
    jsonKey: r.json_key,
    xlsxKey: r.xlsx_key,
    pdfKey: r.pdf_key,
  };
}
