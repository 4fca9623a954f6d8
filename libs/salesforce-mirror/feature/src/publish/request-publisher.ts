import { createHash } from 'node:crypto';
import { addToOutbox } from '@leaf/messaging';
import { LineageRepository, MirrorReaderRepository } from '@leaf/salesforce-mirror/data-access';
import { canonicalJson, evidenceManifest, requestChunks } from '@leaf/salesforce-mirror/domain';
import type { Lake } from '@leaf/storage';
import type { DataSource } from 'typeorm';
import { eachLimit } from '../sync/each-limit';

export const EVIDENCE_AREA = 'salesforce-evidence';
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * After a sync, for each request that changed: its evidence bundle (request.json, everything the
 * mirror holds of it, canonical; and manifest.json naming every file by sha256) into the lake,
 * and its search document into the outbox (`salesforce.search-documents.v1`), in the transaction
 * that records the bundle. A deleted request is published as a delete. Same state, same bundle:
 * nothing is written twice.
 */
export class RequestPublisher {
  private readonly reader: MirrorReaderRepository;
  private readonly lineage: LineageRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly lake: Lake,
  ) {
    this.reader = new MirrorReaderRepository(ds);
    this.lineage = new LineageRepository(ds);
  }

  async publish(changed: Iterable<string>, deleted: Iterable<string>): Promise<{ bundles: number; searchDocuments: number }> {
    let bundles = 0;
    let searchDocuments = 0;
    // Four requests at a time: each is a few reads, two lake writes and one short transaction.
    await eachLimit(changed, 4, async (requestId) => {
      const request = await this.reader.get(requestId, '*');
      if (!request || request.deletedAt) return;
      const [history, items, files, lineage] = await Promise.all([
        this.reader.history(requestId),
        this.reader.items(requestId),
        this.reader.files(requestId),
        this.lineage.ofRequest(requestId),
      ]);
      const liveFiles = files.filter((f) => !f.deletedAt && f.sha256);
      const { fields, ...summary } = request;
      const body = canonicalJson({
        request: summary,
        fields,
        history,
        items: items.filter((i) => !i.deletedAt),
        files: liveFiles.map(({ lakeKey: _k, ...f }) => f),
        lineage,
      });
      const requestObject = await this.lake.put(EVIDENCE_AREA, body, { contentType: 'application/json', metadata: { request: requestId } });
      const manifest = evidenceManifest(
        requestId,
        request.clientId,
        requestObject.sha256,
        liveFiles.map((f) => ({ contentVersionId: f.contentVersionId, fileName: f.fileName ?? f.title, size: f.size ?? 0, sha256: f.sha256! })),
      );
      const manifestObject = await this.lake.put(EVIDENCE_AREA, canonicalJson(manifest), { contentType: 'application/json', metadata: { request: requestId } });
      const notes = items.filter((i) => i.objectName === 'Note' && !i.deletedAt);
      const feed = items.filter((i) => i.objectName !== 'Note' && !i.deletedAt);
      const chunks = requestChunks({
        name: request.name,
        subject: request.subject,
        description: (fields['Description__c'] as string | null) ?? null,
        status: request.status,
        notes,
        feed,
      });
      const text = chunks.map((c) => c.text).join('\n\n');
      await this.ds.transaction(async (m) => {
        const fresh = await this.lineage.saveBundle(
          { requestId, sha256: manifestObject.sha256, lakeKey: requestObject.key, manifestLakeKey: manifestObject.key, files: liveFiles.length },
          m,
        );
        if (!fresh) return;
        bundles++;
        if (!chunks.length) return;
        await addToOutbox(m, 'salesforce.search-documents.v1', {
          messageId: `salesforce-search:${requestId}:${manifestObject.sha256.slice(0, 16)}`,
          body: {
            documentId: `salesforce:${requestId}`,
            clientId: request.clientId,
            source: 'salesforce',
            module: 'requests',
            objectId: requestId,
            kind: 'request-body',
            title: `${request.name}: ${request.subject ?? ''}`.slice(0, 500),
            text: text.slice(0, 1_000_000),
            sha256: sha256(text),
            locator: 'request',
            chunks,
            action: 'upsert',
            updatedAt: request.systemModstamp,
          },
        });
        searchDocuments++;
      });
    });
    for (const requestId of deleted) {
      const rows: Array<{ client_id: string | null }> = await this.ds.query(`SELECT client_id FROM salesforce_it_requests WHERE id = $1`, [requestId]);
      const clientId = rows[0]?.client_id;
      if (!clientId) continue;
      await this.ds.transaction((m) =>
        addToOutbox(m, 'salesforce.search-documents.v1', {
          messageId: `salesforce-search:${requestId}:deleted`,
          body: {
            documentId: `salesforce:${requestId}`,
            clientId,
            source: 'salesforce',
            module: 'requests',
            objectId: requestId,
            kind: 'request-body',
            title: '',
            text: '',
            sha256: sha256(''),
            locator: 'request',
            action: 'delete',
          },
        }),
      );
      searchDocuments++;
    }
    return { bundles, searchDocuments };
  }
}
