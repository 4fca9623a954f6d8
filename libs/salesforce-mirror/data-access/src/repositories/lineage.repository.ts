import type { DataSource, EntityManager } from 'typeorm';

export interface LineageRow {
  requestId: string;
  taskId: string;
  clientId: string;
  kind: string;
  taskStatus: string;
  runIds: string[];
  deliverables: Array<{ name: string; sha256: string; contentType: string; bytes: number }>;
  taskCreatedAt: string;
}

export interface EvidenceBundleRow {
  requestId: string;
  sha256: string;
  lakeKey: string;
  manifestLakeKey: string;
  files: number;
  createdAt: string;
}

/** Run-plan lineage (request → tasks → runs → deliverables, both ways) and evidence bundles. */
export class LineageRepository {
  constructor(private readonly ds: DataSource) {}

  async upsert(rows: readonly LineageRow[]): Promise<void> {
    for (const r of rows) {
      await this.ds.query(
        `INSERT INTO salesforce_request_lineage (request_id, task_id, client_id, kind, task_status, run_ids, deliverables, task_created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (request_id, task_id) DO UPDATE SET task_status = EXCLUDED.task_status, run_ids = EXCLUDED.run_ids, deliverables = EXCLUDED.deliverables, recorded_at = now()`,
        [r.requestId, r.taskId, r.clientId, r.kind, r.taskStatus, JSON.stringify(r.runIds), JSON.stringify(r.deliverables), r.taskCreatedAt],
      );
    }
  }

  async ofRequest(requestId: string): Promise<LineageRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM salesforce_request_lineage WHERE request_id = $1 ORDER BY task_created_at, task_id`,
      [requestId],
    );
    return rows.map(lineageOf);
  }

  /** The request(s) behind a task, within the caller's scope. */
  async byTask(taskId: string, visible: '*' | readonly string[]): Promise<LineageRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM salesforce_request_lineage WHERE task_id = $1 ORDER BY request_id`, [
      taskId,
    ]);
    return rows.map(lineageOf).filter((r) => visible === '*' || visible.includes(r.clientId));
  }

  /** The request(s) behind a deliverable, found by its sha256. */
  async byArtifact(sha256: string, visible: '*' | readonly string[]): Promise<LineageRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM salesforce_request_lineage WHERE deliverables LIKE $1 ORDER BY request_id, task_id`,
      [`%"sha256":"${sha256}"%`],
    );
    return rows.map(lineageOf).filter((r) => (visible === '*' || visible.includes(r.clientId)) && r.deliverables.some((d) => d.sha256 === sha256));
  }

  /** Records a bundle; false when this request already has a bundle with these bytes. */
  async saveBundle(b: Omit<EvidenceBundleRow, 'createdAt'>, m: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO salesforce_evidence_bundles (request_id, sha256, lake_key, manifest_lake_key, files) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, sha256) DO NOTHING RETURNING request_id`,
      [b.requestId, b.sha256, b.lakeKey, b.manifestLakeKey, b.files],
    );
    return rows.length > 0;
  }

  async latestBundle(requestId: string): Promise<EvidenceBundleRow | undefined> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM salesforce_evidence_bundles WHERE request_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [requestId],
    );
    const r = rows[0];
    return r
      ? {
          requestId: String(r['request_id']),
          sha256: String(r['sha256']),
          lakeKey: String(r['lake_key']),
          manifestLakeKey: String(r['manifest_lake_key']),
          files: Number(r['files']),
          createdAt: new Date(r['created_at'] as Date).toISOString(),
        }
      : undefined;
  }
}

function lineageOf(r: Record<string, unknown>): LineageRow {
  return {
    requestId: String(r['request_id']),
    taskId: String(r['task_id']),
    clientId: String(r['client_id']),
    kind: String(r['kind']),
    taskStatus: String(r['task_status']),
    runIds: JSON.parse(String(r['run_ids'])) as string[],
    deliverables: JSON.parse(String(r['deliverables'])) as LineageRow['deliverables'],
    taskCreatedAt: new Date(r['task_created_at'] as Date).toISOString(),
  };
}
