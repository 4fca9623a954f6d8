import type { DataSource, EntityManager } from 'typeorm';
import type { SearchModule, SearchSource } from '@leaf/contracts';
import { rowsOf } from '@leaf/persistence';

/** indexed: searchable; superseded: replaced by another document; deleted: its source object is gone. */
export type RegisteredStatus = 'indexed' | 'superseded' | 'deleted';

export interface RegisteredDocument {
  documentId: string;
  module: SearchModule;
  clientId: string;
  source: SearchSource;
  objectId: string;
  kind: string | null;
  title: string;
  sha256: string;
  locator: string;
  minRole: number;
  status: RegisteredStatus;
  supersededBy: string | null;
  sourceUpdatedAt: string | null;
  /** The document as received (JSON): what a reindex rebuilds from. */
  body: string;
}

interface Row {
  document_id: string;
  module: SearchModule;
  client_id: string;
  source: SearchSource;
  object_id: string;
  kind: string | null;
  title: string;
  sha256: string;
  locator: string;
  min_role: number;
  status: RegisteredStatus;
  superseded_by: string | null;
  source_updated_at: Date | string | null;
  body: string;
}

const toDocument = (r: Row): RegisteredDocument => ({
  documentId: r.document_id,
  module: r.module,
  clientId: r.client_id,
  source: r.source,
  objectId: r.object_id,
  kind: r.kind,
  title: r.title,
  sha256: r.sha256,
  locator: r.locator,
  minRole: Number(r.min_role),
  status: r.status,
  supersededBy: r.superseded_by,
  sourceUpdatedAt: r.source_updated_at === null ? null : new Date(r.source_updated_at).toISOString(),
  body: r.body,
});

/** Every search document retrieval has seen, with the hash of the version indexed and its state. */
export class SearchDocumentsRegistry {
  constructor(private readonly ds: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** Locks the row for the rest of the transaction, so two deliveries of one document serialize. */
  async find(m: EntityManager, documentId: string): Promise<RegisteredDocument | null> {
    const rows = (await m.query(`SELECT * FROM retrieval_documents WHERE document_id = $1 FOR UPDATE`, [documentId])) as Row[];
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async save(m: EntityManager, d: RegisteredDocument): Promise<void> {
    await m.query(
      `INSERT INTO retrieval_documents (document_id, module, client_id, source, object_id, kind, title, sha256, locator, min_role, status, superseded_by, source_updated_at, body, indexed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
       ON CONFLICT (document_id) DO UPDATE SET module = EXCLUDED.module, client_id = EXCLUDED.client_id, source = EXCLUDED.source,
         object_id = EXCLUDED.object_id, kind = EXCLUDED.kind, title = EXCLUDED.title, sha256 = EXCLUDED.sha256, locator = EXCLUDED.locator,
         min_role = EXCLUDED.min_role, status = EXCLUDED.status, superseded_by = EXCLUDED.superseded_by,
         source_updated_at = EXCLUDED.source_updated_at, body = EXCLUDED.body, indexed_at = now()`,
      [
        d.documentId,
        d.module,
        d.clientId,
        d.source,
        d.objectId,
        d.kind,
        d.title,
        d.sha256,
        d.locator,
        d.minRole,
        d.status,
        d.supersededBy,
        d.sourceUpdatedAt,
        d.body,
      ],
    );
  }

  /** Marks documents of the same client superseded; returns the ids that were searchable until now. */
  async supersede(m: EntityManager, clientId: string, documentIds: readonly string[], by: string): Promise<string[]> {
    if (!documentIds.length) return [];
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const rows = rowsOf<{ document_id: string }>(
      await m.query(
        `UPDATE retrieval_documents SET status = 'superseded', superseded_by = $3, indexed_at = now()
         WHERE client_id = $1 AND document_id = ANY($2::varchar[]) AND status = 'indexed' RETURNING document_id`,
        [clientId, [...documentIds], by],
      ),
    );
    return rows.map((r) => r.document_id);
  }

  async setStatus(m: EntityManager, documentId: string, status: RegisteredStatus): Promise<void> {
    await m.query(`UPDATE retrieval_documents SET status = $2, indexed_at = now() WHERE document_id = $1`, [documentId, status]);
  }

  /** Searchable documents in id order, one page after `after` (for a reindex). */
  async page(filter: { clientId?: string; module?: SearchModule }, after: string | null, limit: number): Promise<RegisteredDocument[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM retrieval_documents
       WHERE status = 'indexed' AND ($1::varchar IS NULL OR client_id = $1) AND ($2::varchar IS NULL OR module = $2) AND ($3::varchar IS NULL OR document_id > $3)
       ORDER BY document_id LIMIT $4`,
      [filter.clientId ?? null, filter.module ?? null, after, limit],
    )) as Row[];
    return rows.map(toDocument);
  }
}
