import type { DataSource } from 'typeorm';

export interface ObjectSyncState {
  objectName: string;
  watermark: Date | null;
  deletesCheckedTo: Date | null;
  fields: string[];
  fullSyncAt: Date | null;
}

export interface SyncRunRow {
  syncId: string;
  mode: 'full' | 'incremental';
  status: 'running' | 'succeeded' | 'failed';
  reason: string | null;
  counts: Record<string, number>;
  apiUsed: number | null;
  apiLimit: number | null;
  limitBackoffs: number;
  errorCode: string | null;
  errorDetail: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface CompletenessRow {
  syncId: string;
  clean: boolean;
  objects: unknown[];
  checkedAt: string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Watermarks per object, the sync runs and their completeness reports. */
export class SyncStateRepository {
  constructor(private readonly ds: DataSource) {}

  async states(): Promise<Map<string, ObjectSyncState>> {
    const rows: Array<{ object_name: string; watermark: Date | null; deletes_checked_to: Date | null; fields: string; full_sync_at: Date | null }> =
      await this.ds.query(`SELECT * FROM salesforce_sync_state`);
    return new Map(
      rows.map((r) => [
        r.object_name,
        {
          objectName: r.object_name,
          watermark: r.watermark ? new Date(r.watermark) : null,
          deletesCheckedTo: r.deletes_checked_to ? new Date(r.deletes_checked_to) : null,
          fields: JSON.parse(r.fields) as string[],
          fullSyncAt: r.full_sync_at ? new Date(r.full_sync_at) : null,
        },
      ]),
    );
  }

  async saveState(s: ObjectSyncState): Promise<void> {
    await this.ds.query(
      `INSERT INTO salesforce_sync_state (object_name, watermark, deletes_checked_to, fields, full_sync_at, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (object_name) DO UPDATE SET watermark = EXCLUDED.watermark, deletes_checked_to = EXCLUDED.deletes_checked_to, fields = EXCLUDED.fields, full_sync_at = EXCLUDED.full_sync_at, updated_at = now()`,
      [s.objectName, iso(s.watermark), iso(s.deletesCheckedTo), JSON.stringify(s.fields), iso(s.fullSyncAt)],
    );
  }

  async startRun(syncId: string, mode: SyncRunRow['mode'], reason: string | null): Promise<void> {
    await this.ds.query(`INSERT INTO salesforce_sync_runs (sync_id, mode, status, reason) VALUES ($1, $2, 'running', $3)`, [syncId, mode, reason]);
  }

  async setMode(syncId: string, mode: SyncRunRow['mode'], reason: string): Promise<void> {
    await this.ds.query(`UPDATE salesforce_sync_runs SET mode = $2, reason = $3 WHERE sync_id = $1`, [syncId, mode, reason]);
  }

  async finishRun(
    syncId: string,
    outcome: {
      status: 'succeeded' | 'failed';
      counts: Record<string, number>;
      apiUsed: number | null;
      apiLimit: number | null;
      limitBackoffs: number;
      errorCode?: string;
      errorDetail?: string;
    },
  ): Promise<void> {
    await this.ds.query(
      `UPDATE salesforce_sync_runs SET status = $2, counts = $3, api_used = $4, api_limit = $5, limit_backoffs = $6, error_code = $7, error_detail = $8, finished_at = now() WHERE sync_id = $1`,
      [
        syncId,
        outcome.status,
        JSON.stringify(outcome.counts),
        outcome.apiUsed,
        outcome.apiLimit,
        outcome.limitBackoffs,
        outcome.errorCode ?? null,
        outcome.errorDetail?.slice(0, 2000) ?? null,
      ],
    );
  }

  async runs(limit: number): Promise<SyncRunRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM salesforce_sync_runs ORDER BY started_at DESC, sync_id DESC LIMIT $1`, [
      limit,
    ]);
    return rows.map((r) => ({
      syncId: String(r['sync_id']),
      mode: r['mode'] as SyncRunRow['mode'],
      status: r['status'] as SyncRunRow['status'],
      reason: (r['reason'] as string | null) ?? null,
      counts: JSON.parse(String(r['counts'])) as Record<string, number>,
      apiUsed: (r['api_used'] as number | null) ?? null,
      apiLimit: (r['api_limit'] as number | null) ?? null,
      limitBackoffs: Number(r['limit_backoffs']),
      errorCode: (r['error_code'] as string | null) ?? null,
      errorDetail: (r['error_detail'] as string | null) ?? null,
      startedAt: iso(r['started_at'] as Date)!,
      finishedAt: iso((r['finished_at'] as Date | null) ?? null),
    }));
  }

  async saveReport(syncId: string, clean: boolean, objects: unknown[]): Promise<void> {
    await this.ds.query(`INSERT INTO salesforce_completeness_reports (sync_id, clean, objects) VALUES ($1, $2, $3)`, [syncId, clean, JSON.stringify(objects)]);
  }

  async reports(limit: number): Promise<CompletenessRow[]> {
    const rows: Array<{ sync_id: string; clean: boolean; objects: string; checked_at: Date }> = await this.ds.query(
      `SELECT * FROM salesforce_completeness_reports ORDER BY checked_at DESC, sync_id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ syncId: r.sync_id, clean: r.clean, objects: JSON.parse(r.objects) as unknown[], checkedAt: iso(r.checked_at)! }));
  }
}
