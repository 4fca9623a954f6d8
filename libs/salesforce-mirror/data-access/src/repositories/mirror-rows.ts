/** What the sync writes into the mirror, one interface per table. Datetimes as ISO strings. */
export interface RequestRow {
  id: string;
  clientId: string | null;
  name: string;
  subject: string | null;
  status: string | null;
  priority: string | null;
  category: string | null;
  fields: Record<string, unknown>;
  createdDate: string | null;
  systemModstamp: string;
}

export interface HistoryRow {
  id: string;
  requestId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  createdDate: string;
  createdById: string | null;
}

export type ItemObject = 'Note' | 'IT_Request__Feed' | 'FeedComment';

export interface ItemRow {
  id: string;
  objectName: ItemObject;
  requestId: string;
  feedItemId: string | null;
  title: string | null;
  body: string | null;
  itemType: string | null;
  fields: Record<string, unknown>;
  createdDate: string | null;
  createdById: string | null;
  systemModstamp: string;
}

export interface LinkRow {
  id: string;
  requestId: string;
  contentDocumentId: string;
  systemModstamp: string;
}

export interface FileRow {
  contentVersionId: string;
  contentDocumentId: string;
  title: string;
  pathOnClient: string | null;
  fileExtension: string | null;
  contentSize: number | null;
  checksumMd5: string | null;
  isLatest: boolean;
  systemModstamp: string;
}

/** The mirror tables the completeness check and deletes work on, by Salesforce object. */
export const mirrorTableOf = {
  IT_Request__c: { table: 'salesforce_it_requests', id: 'id', where: '' },
  IT_Request__History: { table: 'salesforce_request_history', id: 'id', where: '' },
  IT_Request__Feed: { table: 'salesforce_request_items', id: 'id', where: `object_name = 'IT_Request__Feed'` },
  FeedComment: { table: 'salesforce_request_items', id: 'id', where: `object_name = 'FeedComment'` },
  Note: { table: 'salesforce_request_items', id: 'id', where: `object_name = 'Note'` },
  ContentDocumentLink: { table: 'salesforce_content_links', id: 'id', where: '' },
  ContentVersion: { table: 'salesforce_request_files', id: 'content_version_id', where: '' },
} as const;
export type MirrorObject = keyof typeof mirrorTableOf;
