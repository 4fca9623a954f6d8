import { clientIdSchema } from '@leaf/contracts';
import type { FileRow, HistoryRow, ItemObject, ItemRow, LinkRow, RequestRow } from '@leaf/salesforce-mirror/data-access';

type Rec = Record<string, unknown>;
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** `Client__c` names the client scope; a value that is not a client id leaves the request unscoped (seen by no client). */
export function requestRow(r: Rec): RequestRow {
  const client = clientIdSchema.safeParse(r['Client__c']);
  return {
    id: String(r['Id']),
    clientId: client.success ? client.data : null,
    name: s(r['Name']) ?? String(r['Id']),
    subject: s(r['Subject__c']),
    status: s(r['Status__c']),
    priority: s(r['Priority__c']),
    category: s(r['Category__c']),
    fields: r,
    createdDate: s(r['CreatedDate']),
    systemModstamp: String(r['SystemModstamp']),
  };
}

export function historyRow(r: Rec): HistoryRow {
  return {
    id: String(r['Id']),
    requestId: String(r['ParentId']),
    field: String(r['Field']),
    oldValue: s(r['OldValue']),
    newValue: s(r['NewValue']),
    createdDate: String(r['CreatedDate']),
    createdById: s(r['CreatedById']),
  };
}

export function itemRow(object: ItemObject, r: Rec): ItemRow {
  return {
    id: String(r['Id']),
    objectName: object,
    requestId: String(r['ParentId']),
    feedItemId: object === 'FeedComment' ? s(r['FeedItemId']) : null,
    title: s(r['Title']),
    body: s(object === 'FeedComment' ? r['CommentBody'] : r['Body']),
    itemType: s(r['Type']),
    fields: r,
    createdDate: s(r['CreatedDate']),
    createdById: s(r['CreatedById']),
    systemModstamp: String(r['SystemModstamp'] ?? r['CreatedDate']),
  };
}

export function linkRow(r: Rec): LinkRow {
  return {
    id: String(r['Id']),
    requestId: String(r['LinkedEntityId']),
    contentDocumentId: String(r['ContentDocumentId']),
    systemModstamp: String(r['SystemModstamp']),
  };
}

export function fileRow(r: Rec): FileRow {
  return {
    contentVersionId: String(r['Id']),
    contentDocumentId: String(r['ContentDocumentId']),
    title: s(r['Title']) ?? String(r['Id']),
    pathOnClient: s(r['PathOnClient']),
    fileExtension: s(r['FileExtension']),
    contentSize: r['ContentSize'] === null || r['ContentSize'] === undefined ? null : Number(r['ContentSize']),
    checksumMd5: s(r['Checksum']),
    isLatest: r['IsLatest'] === true,
    systemModstamp: String(r['SystemModstamp']),
  };
}
