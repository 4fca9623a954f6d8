import type { SalesforceLineageEntry, SalesforceRequestDetail, SalesforceRequestSummary } from '@leaf/contracts';
import type { EvidenceBundleRow, LineageRow, MirroredFile, MirroredItem, MirroredRequest } from '@leaf/salesforce-mirror/data-access';

export function requestSummary(r: MirroredRequest): SalesforceRequestSummary {
  const { fields: _fields, ...summary } = r;
  return summary;
}

export function lineageEntry(l: LineageRow): SalesforceLineageEntry {
  return { taskId: l.taskId, kind: l.kind, status: l.taskStatus, runIds: l.runIds, deliverables: l.deliverables, createdAt: l.taskCreatedAt };
}

/** The lake key stays inside: a file is served by its version id, never by where it is stored. */
export function requestDetail(
  r: MirroredRequest,
  history: SalesforceRequestDetail['history'],
  items: readonly MirroredItem[],
  files: readonly MirroredFile[],
  lineage: readonly LineageRow[],
  bundle: EvidenceBundleRow | undefined,
): SalesforceRequestDetail {
  const comments = items.filter((i) => i.objectName === 'FeedComment');
  return {
    ...requestSummary(r),
    fields: r.fields,
    history,
    files: files.map(({ lakeKey, ...f }) => ({ ...f, downloadable: Boolean(lakeKey) && !f.deletedAt })),
    notes: items
      .filter((i) => i.objectName === 'Note')
      .map((n) => ({ id: n.id, title: n.title, body: n.body, createdDate: n.createdDate, createdBy: n.createdBy, deletedAt: n.deletedAt })),
    feed: items
      .filter((i) => i.objectName === 'IT_Request__Feed')
      .map((f) => ({
        id: f.id,
        type: f.itemType,
        body: f.body,
        createdDate: f.createdDate,
        createdBy: f.createdBy,
        deletedAt: f.deletedAt,
        comments: comments
          .filter((c) => c.feedItemId === f.id)
          .map((c) => ({ id: c.id, body: c.body, createdDate: c.createdDate, createdBy: c.createdBy, deletedAt: c.deletedAt })),
      })),
    lineage: lineage.map(lineageEntry),
    evidence: bundle ? { sha256: bundle.sha256, files: bundle.files, createdAt: bundle.createdAt } : null,
  };
}
