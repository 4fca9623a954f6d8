import { randomBytes } from 'node:crypto';
import {
  advanceWatermark,
  chunk,
  deletesWindow,
  incrementalStart,
  mirroredObject,
  mirroredObjects,
  normalizeRecord,
  selectFields,
  type MirroredObject,
  type MirroredObjectName,
} from '@leaf/salesforce-mirror/domain';
import {
  isSalesforceSourceError,
  SalesforceSourceError,
  MirrorWriterRepository,
  SyncStateRepository,
  type ItemObject,
  type MirrorObject,
  type ObjectSyncState,
  type SalesforceRecord,
  type SalesforceSource,
} from '@leaf/salesforce-mirror/data-access';
import type { Lake } from '@leaf/storage';
import type { DataSource } from 'typeorm';
import { checkCompleteness } from './completeness-check';
import { copyFiles } from './file-copier';
import { fileRow, historyRow, itemRow, linkRow, requestRow } from './record-rows';

export interface MirrorSyncOptions {
  overlapMs: number;
  deleteRetentionMs: number;
  /** Ids per `IN (…)` filter when children are read by parent. */
  parentChunk?: number;
}

export interface MirrorSyncOutcome {
  syncId: string;
  mode: 'full' | 'incremental';
  reason: string | null;
  counts: Record<string, number>;
  /** Requests whose row or attached records changed in this sync (for bundles and search documents). */
  changedRequestIds: Set<string>;
  deletedRequestIds: Set<string>;
  completeness: { clean: boolean; objects: unknown[] };
}

const newSyncId = () => `sfs-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const soqlIds = (ids: readonly string[]) => ids.map((id) => `'${id.replace(/[^a-zA-Z0-9]/g, '')}'`).join(', ');
const soqlDate = (d: Date) => d.toISOString();

/**
 * One sync of the mirror from Salesforce.
 *
 * * **Full** (first sync, on request, or when getDeleted can no longer answer for the window):
 *   the objects that can be read unfiltered come through Bulk API 2.0 query jobs, the others by
 *   REST query over chunks of parent ids; afterwards every mirrored row Salesforce no longer
 *   has is marked deleted.
 * * **Incremental**: each object from its watermark minus the overlap window (REST query), then
 *   getDeleted per object since deletes were last checked.
 *
 * Fields come from describe every time, so a custom field added in Setup is selected on the
 * next sync. Watermarks are saved only after the whole sync wrote, so a failed sync is simply
 * run again. Completeness (counts and id sets) is checked and stored at the end.
 */
export class MirrorSync {
  private readonly writer: MirrorWriterRepository;
  readonly state: SyncStateRepository;

  constructor(
    ds: DataSource,
    private readonly source: SalesforceSource,
    private readonly lake: Lake,
    private readonly options: MirrorSyncOptions,
  ) {
    this.writer = new MirrorWriterRepository(ds);
    this.state = new SyncStateRepository(ds);
  }

  async run(opts: { full?: boolean } = {}): Promise<MirrorSyncOutcome> {
    const syncId = newSyncId();
    const states = await this.state.states();
    const now = new Date();
    let mode: 'full' | 'incremental' = opts.full ? 'full' : 'incremental';
    let reason: string | null = opts.full ? 'requested' : null;
    const root = states.get('IT_Request__c');
    if (!root?.watermark) [mode, reason] = ['full', 'first sync'];
    else if (mode === 'incremental' && this.deletesLost(states, now)) {
      [mode, reason] = ['full', 'deletes window older than the org keeps deletes'];
    }
    await this.state.startRun(syncId, mode, reason);
    const counts: Record<string, number> = {};
    const add = (k: string, n: number) => (counts[k] = (counts[k] ?? 0) + n);
    const changed = new Set<string>();
    const deletedRequests = new Set<string>();
    try {
      // Deletes first in an incremental sync: a lost window turns the sync into a full one before anything is written.
      let deletes: Array<{ object: string; ids: string[]; at: string; coveredTo: Date }> = [];
      if (mode === 'incremental') {
        try {
          deletes = await this.readDeletes(states, now);
        } catch (e) {
          if (!isSalesforceSourceError(e) || e.code !== 'SALESFORCE_REPLICATION_WINDOW_LOST') throw e;
          [mode, reason] = ['full', 'getDeleted refused the window (INVALID_REPLICATION_DATE)'];
          await this.state.setMode(syncId, mode, reason);
        }
      }
      const next = new Map<string, ObjectSyncState>();
      for (const object of mirroredObjects) {
        const previous = states.get(object.name);
        const described = await this.source.describe(object.name);
        const fields = selectFields(object, described);
        const types = new Map(described.map((f) => [f.name, f.type]));
        const newFields = previous ? fields.filter((f) => !previous.fields.includes(f)) : [];
        if (newFields.length) add('newFields', newFields.length);
        const since = mode === 'incremental' && previous?.watermark ? incrementalStart(previous.watermark, this.options.overlapMs) : null;
        // A field new since the last sync has values on records the watermark would skip: read the object whole.
        const whole = mode === 'full' || !since || newFields.length > 0;
        const seen = new Set<string>();
        let watermark = whole ? null : (previous?.watermark ?? null);
        for await (const page of this.read(object, fields, whole ? null : since)) {
          const rows = page.map((r) => normalizeRecord(r, types));
          await this.write(object.name, rows, changed);
          for (const r of rows) seen.add(String(r['Id']));
          watermark = advanceWatermark(
            watermark,
            rows.map((r) => r[object.watermarkField] as string | null),
          );
          add(object.name, rows.length);
        }
        if (whole) {
          // Whatever the mirror holds that Salesforce no longer has went while we were not looking.
          const gone = (await this.writer.liveIds(object.name as MirrorObject)).filter((id) => !seen.has(id));
          if (gone.length && object.name !== 'IT_Request__History') {
            const marked = await this.writer.markDeleted(object.name as MirrorObject, gone, now.toISOString());
            add('deleted', marked.length);
            if (object.name === 'IT_Request__c') marked.forEach((id) => deletedRequests.add(id));
          }
        }
        next.set(object.name, {
          objectName: object.name,
          watermark: watermark ?? previous?.watermark ?? null,
          // Deletes are known up to what getDeleted said it covered (a full read: up to its start).
          deletesCheckedTo: mode === 'full' ? now : (deletes.find((d) => d.object === object.name)?.coveredTo ?? previous?.deletesCheckedTo ?? now),
          fields,
          fullSyncAt: mode === 'full' ? now : (previous?.fullSyncAt ?? null),
        });
      }
      for (const d of deletes) {
        if (mirroredObject(d.object as MirroredObjectName).deletesFrom === 'ContentDocument')
          add('deleted', await this.writer.markDocumentsDeleted(d.ids, d.at));
        else {
          // getDeleted windows overlap: only a row this sync took from live counts (and is published as a delete).
          const marked = await this.writer.markDeleted(d.object as MirrorObject, d.ids, d.at);
          add('deleted', marked.length);
          if (d.object === 'IT_Request__c') marked.forEach((id) => deletedRequests.add(id));
        }
      }
      const files = await copyFiles(this.source, this.lake, this.writer);
      add('filesCopied', files.copied);
      if (files.checksumMismatches) add('fileChecksumMismatches', files.checksumMismatches);
      for (const s of next.values()) await this.state.saveState(s);
      const completeness = await checkCompleteness(this.source, this.writer, this.options.parentChunk ?? 200);
      await this.state.saveReport(syncId, completeness.clean, completeness.objects);
      for (const id of deletedRequests) changed.delete(id);
      return { syncId, mode, reason, counts, changedRequestIds: changed, deletedRequestIds: deletedRequests, completeness };
    } catch (e) {
      const limits = this.source.limits();
      await this.state.finishRun(syncId, {
        status: 'failed',
        counts,
        apiUsed: limits?.used ?? null,
        apiLimit: limits?.limit ?? null,
        limitBackoffs: this.source.limitBackoffs,
        errorCode: (e as { code?: string }).code ?? 'SYNC_FAILED',
        errorDetail: (e as Error).message,
      });
      throw e;
    }
  }

  /** Marks the run done (after publishing, which the caller does). */
  async finish(outcome: MirrorSyncOutcome): Promise<void> {
    const limits = this.source.limits();
    await this.state.finishRun(outcome.syncId, {
      status: 'succeeded',
      counts: outcome.counts,
      apiUsed: limits?.used ?? null,
      apiLimit: limits?.limit ?? null,
      limitBackoffs: this.source.limitBackoffs,
    });
  }

  /** Pages of records of one object: whole (Bulk when it can be read unfiltered) or since a datetime. */
  private async *read(object: MirroredObject, fields: readonly string[], since: Date | null): AsyncIterable<SalesforceRecord[]> {
    const select = `SELECT ${fields.join(', ')} FROM ${object.name}`;
    const after = since ? `${object.watermarkField} > ${soqlDate(since)}` : null;
    if (!object.parentField || object.bulk) {
      if (!since && object.bulk) yield* this.source.bulkQuery(select);
      else yield* this.source.query(after ? `${select} WHERE ${after}` : select);
      return;
    }
    // Read by parent: requests for notes, comments and links; linked documents for versions.
    const parents = object.name === 'ContentVersion' ? await this.writer.linkedDocumentIds() : await this.writer.liveIds('IT_Request__c');
    for (const ids of chunk(parents, this.options.parentChunk ?? 200)) {
      yield* this.source.query(`${select} WHERE ${object.parentField} IN (${soqlIds(ids)})${after ? ` AND ${after}` : ''}`);
    }
  }

  private async write(object: MirroredObjectName, rows: SalesforceRecord[], changed: Set<string>): Promise<void> {
    switch (object) {
      case 'IT_Request__c': {
        const r = rows.map(requestRow);
        await this.writer.upsertRequests(r);
        r.forEach((x) => changed.add(x.id));
        return;
      }
      case 'IT_Request__History': {
        const r = rows.map(historyRow);
        await this.writer.upsertHistory(r);
        r.forEach((x) => changed.add(x.requestId));
        return;
      }
      case 'IT_Request__Feed':
      case 'FeedComment':
      case 'Note': {
        const r = rows.map((x) => itemRow(object as ItemObject, x));
        await this.writer.upsertItems(r);
        r.forEach((x) => changed.add(x.requestId));
        return;
      }
      case 'ContentDocumentLink': {
        const r = rows.map(linkRow);
        await this.writer.upsertLinks(r);
        r.forEach((x) => changed.add(x.requestId));
        return;
      }
      case 'ContentVersion':
        await this.writer.upsertFiles(rows.map(fileRow));
        return;
    }
  }

  /** Whether any object's deletes were last checked longer ago than the org keeps them. */
  private deletesLost(states: ReadonlyMap<string, ObjectSyncState>, now: Date): boolean {
    return mirroredObjects.some((object) => {
      const s = states.get(object.name);
      const since = object.deletesFrom ? (s?.deletesCheckedTo ?? s?.watermark) : null;
      return since ? deletesWindow(since, now, this.options.overlapMs, this.options.deleteRetentionMs) === 'lost' : false;
    });
  }

  /** getDeleted per object since its deletes were last checked (minus the overlap, clamped to what the org answers). */
  private async readDeletes(
    states: ReadonlyMap<string, ObjectSyncState>,
    now: Date,
  ): Promise<Array<{ object: string; ids: string[]; at: string; coveredTo: Date }>> {
    const out: Array<{ object: string; ids: string[]; at: string; coveredTo: Date }> = [];
    for (const object of mirroredObjects) {
      if (!object.deletesFrom) continue;
      const s = states.get(object.name);
      const since = s?.deletesCheckedTo ?? s?.watermark;
      if (!since) continue;
      const window = deletesWindow(since, now, this.options.overlapMs, this.options.deleteRetentionMs);
      // run() turned a lost window into a full sync before this; the org may still refuse (a purged Recycle Bin).
      if (window === 'lost')
        throw new SalesforceSourceError('SALESFORCE_REPLICATION_WINDOW_LOST', `getDeleted ${object.deletesFrom}: window older than retention`);
      const d = await this.source.deleted(object.deletesFrom, window.start, window.end);
      // getDeleted answers whole minutes up to latestDateCovered: the next window starts there, not at "now".
      const covered = d.latestDateCovered ? new Date(Date.parse(d.latestDateCovered.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))) : since;
      out.push({ object: object.name, ids: d.ids.map((x) => x.id), at: now.toISOString(), coveredTo: covered });
    }
    return out;
  }
}
