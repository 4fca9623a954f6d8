import type { DataSource, EntityManager } from 'typeorm';
import type { DomoDatasetName, DomoExport, DomoExportStatus, DomoGateResult } from '@leaf/contracts';
import type { DomoColumn, SchemaDrift } from '@leaf/domo-takeover/domain';
import type { GateResult } from '../gates/gate-runner';

export interface NewExport {
  readonly exportId: string;
  readonly dataset: DomoDatasetName;
  readonly domoDatasetId: string;
  readonly source: 'api' | 'folder';
  readonly exportedAt: Date;
  readonly dataCurrentAt: Date | null;
  readonly lakeKey: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  readonly domoSchema: readonly DomoColumn[];
  readonly drift: SchemaDrift;
}

interface ExportRow {
  export_id: string;
  dataset: DomoDatasetName;
  domo_dataset_id: string;
  exported_at: Date;
  data_current_at: Date | null;
  lake_key: string;
  sha256: string;
  bytes: string;
  row_count: string;
  silver_rows: string;
  drift: string;
  status: DomoExportStatus;
  reason: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function toExport(r: ExportRow): DomoExport & { lakeKey: string } {
  return {
    exportId: r.export_id,
    dataset: r.dataset,
    domoDatasetId: r.domo_dataset_id,
    exportedAt: iso(r.exported_at),
    dataCurrentAt: r.data_current_at === null ? null : iso(r.data_current_at),
    sha256: r.sha256.trim(),
    bytes: Number(r.bytes),
    rows: Number(r.row_count),
    silverRows: Number(r.silver_rows),
    status: r.status,
    reason: r.reason,
    drift: JSON.parse(r.drift) as SchemaDrift as DomoExport['drift'],
    lakeKey: r.lake_key,
  };
}

const exportColumns = `export_id, dataset, domo_dataset_id, exported_at, data_current_at, lake_key, sha256, bytes, row_count, silver_rows, drift, status, reason`;

/** The bronze registry (one row per export), the promoted export per dataset, and gate results. */
export class DomoExportsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(e: NewExport): Promise<void> {
    await this.ds.query(
      `INSERT INTO domo_exports (export_id, dataset, domo_dataset_id, source, exported_at, data_current_at, lake_key, sha256, bytes, row_count, domo_schema, drift, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received')`,
      [
        e.exportId,
        e.dataset,
        e.domoDatasetId,
        e.source,
        e.exportedAt,
        e.dataCurrentAt,
        e.lakeKey,
        e.sha256,
        e.bytes,
        e.rows,
        JSON.stringify(e.domoSchema),
        JSON.stringify(e.drift),
      ],
    );
  }

  async get(exportId: string): Promise<(DomoExport & { lakeKey: string }) | undefined> {
    const rows = (await this.ds.query(`SELECT ${exportColumns} FROM domo_exports WHERE export_id = $1`, [exportId])) as ExportRow[];
    return rows[0] === undefined ? undefined : toExport(rows[0]);
  }

  async list(dataset: DomoDatasetName | undefined, limit: number, offset: number): Promise<DomoExport[]> {
    const rows = (await this.ds.query(
      `SELECT ${exportColumns} FROM domo_exports WHERE ($1::text IS NULL OR dataset = $1) ORDER BY created_at DESC, export_id LIMIT $2 OFFSET $3`,
      [dataset ?? null, limit, offset],
    )) as ExportRow[];
    return rows.map((r) => {
      const { lakeKey: _lakeKey, ...rest } = toExport(r);
      return rest;
    });
  }

  async setOutcome(exportId: string, status: Exclude<DomoExportStatus, 'received'>, reason: string | null, silverRows: number): Promise<void> {
    await this.ds.query(`UPDATE domo_exports SET status = $2, reason = $3, silver_rows = $4 WHERE export_id = $1`, [exportId, status, reason, silverRows]);
  }

  async promoted(dataset: DomoDatasetName): Promise<(DomoExport & { lakeKey: string }) | undefined> {
    const rows = (await this.ds.query(
      `SELECT ${exportColumns
        .split(', ')
        .map((c) => `e.${c}`)
        .join(', ')} FROM domo_dataset_state s JOIN domo_exports e ON e.export_id = s.promoted_export_id WHERE s.dataset = $1`,
      [dataset],
    )) as ExportRow[];
    return rows[0] === undefined ? undefined : toExport(rows[0]);
  }

  /** Marks the export promoted and makes it the dataset's current silver export, atomically. */
  async promote(dataset: DomoDatasetName, exportId: string, silverRows: number, reason: string | null): Promise<void> {
    await this.ds.transaction(async (tx: EntityManager) => {
      await tx.query(`UPDATE domo_exports SET status = 'promoted', reason = $2, silver_rows = $3 WHERE export_id = $1`, [exportId, reason, silverRows]);
      await tx.query(
        `INSERT INTO domo_dataset_state (dataset, promoted_export_id, promoted_at) VALUES ($1, $2, now())
         ON CONFLICT (dataset) DO UPDATE SET promoted_export_id = EXCLUDED.promoted_export_id, promoted_at = EXCLUDED.promoted_at`,
        [dataset, exportId],
      );
    });
  }

  async saveGateResults(exportId: string, results: readonly GateResult[]): Promise<void> {
    await this.ds.transaction(async (tx: EntityManager) => {
      await tx.query(`DELETE FROM domo_gate_results WHERE export_id = $1`, [exportId]);
      for (const r of results) {
        await tx.query(
          `INSERT INTO domo_gate_results (export_id, gate_id, kind, severity, mostly, checked, failed, pass_rate, status, observed, samples)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            exportId,
            r.gateId,
            r.kind,
            r.severity,
            r.mostly,
            r.checked,
            r.failed,
            r.passRate,
            r.status,
            r.observed ? JSON.stringify(r.observed) : null,
            JSON.stringify(r.samples),
          ],
        );
      }
    });
  }

  async gateResults(exportId: string, onlyFailing = false): Promise<DomoGateResult[]> {
    const rows = (await this.ds.query(
      `SELECT gate_id, kind, severity, mostly, checked, failed, pass_rate, status, observed, samples FROM domo_gate_results
       WHERE export_id = $1 AND ($2::boolean IS FALSE OR status <> 'pass') ORDER BY gate_id`,
      [exportId, onlyFailing],
    )) as {
      gate_id: string;
      kind: string;
      severity: 'warn' | 'error';
      mostly: number;
      checked: string;
      failed: string;
      pass_rate: number;
      status: 'pass' | 'warn' | 'fail';
      observed: string | null;
      samples: string;
    }[];
    return rows.map((r) => ({
      gateId: r.gate_id,
      kind: r.kind,
      severity: r.severity,
      mostly: Number(r.mostly),
      checked: Number(r.checked),
      failed: Number(r.failed),
      passRate: Number(r.pass_rate),
      status: r.status,
      observed: r.observed === null ? null : (JSON.parse(r.observed) as Record<string, string | number | null>),
      samples: JSON.parse(r.samples) as Record<string, string | number | null>[],
    }));
  }
}
