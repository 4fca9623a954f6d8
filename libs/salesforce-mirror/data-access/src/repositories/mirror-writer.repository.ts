import type { DataSource, EntityManager } from 'typeorm';
import { upsertRows } from './multi-row';
import { mirrorTableOf, type FileRow, type HistoryRow, type ItemRow, type LinkRow, type MirrorObject, type RequestRow } from './mirror-rows';

/**
 * Writes the mirror. Every write is an upsert keyed by the Salesforce id, so reading a window twice
 * (the overlap) or replaying a sync changes nothing; a row seen again after a soft delete is live
 * again (Salesforce undelete keeps the id).
 */
export class MirrorWriterRepository {
  constructor(private readonly ds: DataSource) {}

  async upsertRequests(rows: readonly RequestRow[], m: EntityManager = this.ds.manager): Promise<void> {
    await upsertRows(
      m,
      'salesforce_it_requests',
      ['id', 'client_id', 'name', 'subject', 'status', 'priority', 'category', 'fields', 'created_date', 'system_modstamp', 'deleted_at', 'mirrored_at'],
      rows.map((r) => [
        r.id,
        r.clientId,
        r.name.slice(0, 80),
        r.subject?.slice(0, 255) ?? null,
        r.status,
        r.priority,
        r.category,
        JSON.stringify(r.fields),
        r.createdDate,
        r.systemModstamp,
        null,
        new Date().toISOString(),
      ]),
      'id',
      ['client_id', 'name', 'subject', 'status', 'priority', 'category', 'fields', 'created_date', 'system_modstamp', 'deleted_at', 'mirrored_at'],
      { fields: 'jsonb' },
    );
  }

  async upsertHistory(rows: readonly HistoryRow[], m: EntityManager = this.ds.manager): Promise<void> {
    await upsertRows(
      m,
      'salesforce_request_history',
      ['id', 'request_id', 'field', 'old_value', 'new_value', 'created_date', 'created_by_id'],
      rows.map((r) => [r.id, r.requestId, r.field, r.oldValue, r.newValue, r.createdDate, r.createdById]),
      'id',
      ['old_value', 'new_value'],
    );
  }

  async upsertItems(rows: readonly ItemRow[], m: EntityManager = this.ds.manager): Promise<void> {
    await upsertRows(
      m,
      'salesforce_request_items',
      [
        'id',
        'object_name',
        'request_id',
        'feed_item_id',
        'title',
        'body',
        'item_type',
        'fields',
        'created_date',
        'created_by_id',
        'system_modstamp',
        'deleted_at',
        'mirrored_at',
      ],
      rows.map((r) => [
        r.id,
        r.objectName,
        r.requestId,
        r.feedItemId,
        r.title?.slice(0, 255) ?? null,
        r.body,
        r.itemType,
        JSON.stringify(r.fields),
        r.createdDate,
        r.createdById,
        r.systemModstamp,
        null,
        new Date().toISOString(),
      ]),
      'id',
      ['request_id', 'feed_item_id', 'title', 'body', 'item_type', 'fields', 'system_modstamp', 'deleted_at', 'mirrored_at'],
      { fields: 'jsonb' },
    );
  }

  async upsertLinks(rows: readonly LinkRow[], m: EntityManager = this.ds.manager): Promise<void> {
    await upsertRows(
      m,
      'salesforce_content_links',
      ['id', 'request_id', 'content_document_id', 'system_modstamp', 'deleted_at'],
      rows.map((r) => [r.id, r.requestId, r.contentDocumentId, r.systemModstamp, null]),
      'id',
      ['request_id', 'content_document_id', 'system_modstamp', 'deleted_at'],
    );
  }

  /** File metadata; a version whose checksum changed loses its lake copy until it is downloaded again. */
  async upsertFiles(rows: readonly FileRow[], m: EntityManager = this.ds.manager): Promise<void> {
    await upsertRows(
      m,
      'salesforce_request_files',
      [
        'content_version_id',
        'content_document_id',
        'title',
        'path_on_client',
        'file_extension',
        'content_size',
        'checksum_md5',
        'is_latest',
        'system_modstamp',
        'deleted_at',
        'mirrored_at',
      ],
      rows.map((r) => [
        r.contentVersionId,
        r.contentDocumentId,
        r.title.slice(0, 255),
        r.pathOnClient,
        r.fileExtension,
        r.contentSize,
        r.checksumMd5,
        r.isLatest,
        r.systemModstamp,
        null,
        new Date().toISOString(),
      ]),
      'content_version_id',
      ['title', 'path_on_client', 'file_extension', 'content_size', 'checksum_md5', 'is_latest', 'system_modstamp', 'deleted_at', 'mirrored_at'],
    );
  }

  /** Versions still to be copied into the lake (new, or never downloaded). */
  async filesWithoutContent(): Promise<Array<{ contentVersionId: string; checksumMd5: string | null }>> {
    const rows: Array<{ content_version_id: string; checksum_md5: string | null }> = await this.ds.query(
      `SELECT content_version_id, checksum_md5 FROM salesforce_request_files WHERE sha256 IS NULL AND deleted_at IS NULL ORDER BY content_version_id`,
    );
    return rows.map((r) => ({ contentVersionId: r.content_version_id, checksumMd5: r.checksum_md5 }));
  }

  async setFileContent(contentVersionId: string, sha256: string, lakeKey: string): Promise<void> {
    await this.ds.query(`UPDATE salesforce_request_files SET sha256 = $1, lake_key = $2 WHERE content_version_id = $3`, [sha256, lakeKey, contentVersionId]);
  }

  /** Soft-deletes rows of one object by id; answers the ids that were live (the ones this call deleted). */
  async markDeleted(object: MirrorObject, ids: readonly string[], at: string, m: EntityManager = this.ds.manager): Promise<string[]> {
    if (!ids.length || object === 'IT_Request__History') return [];
    const t = mirrorTableOf[object];
    // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], a SELECT with rows.
    const rows: Array<{ id: string }> = await m.query(
      `WITH gone AS (UPDATE ${t.table} SET deleted_at = $2 WHERE ${t.id} = ANY($1) AND deleted_at IS NULL ${t.where ? `AND ${t.where}` : ''} RETURNING ${t.id} AS id) SELECT id FROM gone`,
      [ids, at],
    );
    return rows.map((r) => r.id);
  }

  /** Versions of deleted ContentDocuments go with them. */
  async markDocumentsDeleted(documentIds: readonly string[], at: string): Promise<number> {
    if (!documentIds.length) return 0;
    const rows: unknown[] = await this.ds.query(
      `WITH gone AS (UPDATE salesforce_request_files SET deleted_at = $2 WHERE content_document_id = ANY($1) AND deleted_at IS NULL RETURNING content_version_id) SELECT * FROM gone`,
      [documentIds, at],
    );
    await this.ds.query(`UPDATE salesforce_content_links SET deleted_at = $2 WHERE content_document_id = ANY($1) AND deleted_at IS NULL`, [documentIds, at]);
    return rows.length;
  }

  /** Ids of the live (not deleted) rows of an object: the mirror's side of completeness. */
  async liveIds(object: MirrorObject): Promise<string[]> {
    const t = mirrorTableOf[object];
    const conditions = [object === 'IT_Request__History' ? 'TRUE' : 'deleted_at IS NULL', t.where].filter(Boolean).join(' AND ');
    const rows: Array<{ id: string }> = await this.ds.query(`SELECT ${t.id} AS id FROM ${t.table} WHERE ${conditions}`);
    return rows.map((r) => r.id);
  }

  /** Live document ids linked to requests (the parents ContentVersion is read by). */
  async linkedDocumentIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(`SELECT DISTINCT content_document_id AS id FROM salesforce_content_links WHERE deleted_at IS NULL`);
    return rows.map((r) => r.id);
  }
}
