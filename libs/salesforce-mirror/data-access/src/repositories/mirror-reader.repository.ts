import type { DataSource } from 'typeorm';

const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : new Date(d).toISOString());

export interface RequestFilters {
  clientId?: string;
  status?: string;
  q?: string;
  modifiedSince?: string;
  includeDeleted: boolean;
  limit: number;
  cursor?: string;
}

export interface MirroredRequest {
  requestId: string;
  clientId: string;
  name: string;
  subject: string | null;
  status: string | null;
  priority: string | null;
  category: string | null;
  createdDate: string | null;
  systemModstamp: string;
  deletedAt: string | null;
  fields: Record<string, unknown>;
}

export interface MirroredFile {
  contentVersionId: string;
  contentDocumentId: string;
  title: string;
  fileName: string | null;
  extension: string | null;
  size: number | null;
  sha256: string | null;
  lakeKey: string | null;
  deletedAt: string | null;
}

export interface MirroredItem {
  id: string;
  objectName: string;
  feedItemId: string | null;
  title: string | null;
  body: string | null;
  itemType: string | null;
  createdDate: string | null;
  createdBy: string | null;
  deletedAt: string | null;
}

const requestOf = (r: Record<string, unknown>): MirroredRequest => ({
  requestId: String(r['id']),
  clientId: String(r['client_id']),
  name: String(r['name']),
  subject: (r['subject'] as string | null) ?? null,
  status: (r['status'] as string | null) ?? null,
  priority: (r['priority'] as string | null) ?? null,
  category: (r['category'] as string | null) ?? null,
  createdDate: iso(r['created_date'] as Date | null),
  systemModstamp: iso(r['system_modstamp'] as Date)!,
  deletedAt: iso(r['deleted_at'] as Date | null),
  fields: (typeof r['fields'] === 'string' ? JSON.parse(r['fields']) : r['fields']) as Record<string, unknown>,
});

/**
 * Reads the mirror for the API, always within the caller's client scope: `visible` is `'*'` or
 * the client ids it may see, and a request of another client is simply not found. A request
 * whose `Client__c` names no known client has no scope and is seen only with `'*'`.
 */
export class MirrorReaderRepository {
  constructor(private readonly ds: DataSource) {}

  async list(f: RequestFilters, visible: '*' | readonly string[]): Promise<{ items: MirroredRequest[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (visible !== '*') where.push(`client_id = ANY(${p([...visible])})`);
    else where.push('client_id IS NOT NULL');
    if (f.clientId) where.push(`client_id = ${p(f.clientId)}`);
    if (f.status) where.push(`status = ${p(f.status)}`);
    if (f.q) where.push(`subject ILIKE ${p(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    if (f.modifiedSince) where.push(`system_modstamp >= ${p(f.modifiedSince)}`);
    if (!f.includeDeleted) where.push('deleted_at IS NULL');
    if (f.cursor) where.push(`id > ${p(f.cursor)}`);
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM salesforce_it_requests WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${p(f.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, f.limit).map(requestOf);
    return { items, nextCursor: rows.length > f.limit ? items[items.length - 1].requestId : null };
  }

  async get(requestId: string, visible: '*' | readonly string[]): Promise<MirroredRequest | undefined> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM salesforce_it_requests WHERE id = $1 AND client_id IS NOT NULL`, [
      requestId,
    ]);
    const r = rows[0] ? requestOf(rows[0]) : undefined;
    if (!r || (visible !== '*' && !visible.includes(r.clientId))) return undefined;
    return r;
  }

  async history(
    requestId: string,
  ): Promise<Array<{ id: string; field: string; oldValue: string | null; newValue: string | null; changedAt: string; changedBy: string | null }>> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT * FROM salesforce_request_history WHERE request_id = $1 ORDER BY created_date, id`,
      [requestId],
    );
    return rows.map((r) => ({
      id: String(r['id']),
      field: String(r['field']),
      oldValue: (r['old_value'] as string | null) ?? null,
      newValue: (r['new_value'] as string | null) ?? null,
      changedAt: iso(r['created_date'] as Date)!,
      changedBy: (r['created_by_id'] as string | null) ?? null,
    }));
  }

  async items(requestId: string): Promise<MirroredItem[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM salesforce_request_items WHERE request_id = $1 ORDER BY created_date, id`, [
      requestId,
    ]);
    return rows.map((r) => ({
      id: String(r['id']),
      objectName: String(r['object_name']),
      feedItemId: (r['feed_item_id'] as string | null) ?? null,
      title: (r['title'] as string | null) ?? null,
      body: (r['body'] as string | null) ?? null,
      itemType: (r['item_type'] as string | null) ?? null,
      createdDate: iso(r['created_date'] as Date | null),
      createdBy: (r['created_by_id'] as string | null) ?? null,
      deletedAt: iso(r['deleted_at'] as Date | null),
    }));
  }

  /** The request's files: every version of each document linked to it. */
  async files(requestId: string): Promise<MirroredFile[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT f.*, COALESCE(f.deleted_at, l.deleted_at) AS gone_at FROM salesforce_content_links l JOIN salesforce_request_files f ON f.content_document_id = l.content_document_id
       WHERE l.request_id = $1 ORDER BY f.content_document_id, f.content_version_id`,
      [requestId],
    );
    return rows.map((r) => ({
      contentVersionId: String(r['content_version_id']),
      contentDocumentId: String(r['content_document_id']),
      title: String(r['title']),
      fileName: (r['path_on_client'] as string | null) ?? null,
      extension: (r['file_extension'] as string | null) ?? null,
      size: r['content_size'] === null ? null : Number(r['content_size']),
      sha256: (r['sha256'] as string | null)?.trim() ?? null,
      lakeKey: (r['lake_key'] as string | null) ?? null,
      deletedAt: iso(r['gone_at'] as Date | null),
    }));
  }
}
