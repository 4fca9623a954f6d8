/**
 * The Salesforce objects the mirror holds and how each is read. The IT request is the root; every
 * other object hangs off one request. `bulk`: read with a Bulk API 2.0 query job on a full load
 * (the object can be queried without a filter); otherwise read by REST query in chunks of parent
 * ids (ContentDocumentLink, for one, must be filtered by LinkedEntityId).
 */
export type MirroredObjectName =
  | 'IT_Request__c'
  | 'IT_Request__History'
  | 'IT_Request__Feed'
  | 'FeedComment'
  | 'Note'
  | 'ContentDocumentLink'
  | 'ContentVersion';

export interface MirroredObject {
  name: MirroredObjectName;
  /** Field naming the parent the row is filtered by (the request, or the document for versions). */
  parentField: string | null;
  /** Field the incremental watermark runs on. */
  watermarkField: 'SystemModstamp' | 'CreatedDate';
  bulk: boolean;
  /** Deletes come from getDeleted on this object (null: the object's rows never go, or go with their parent). */
  deletesFrom: string | null;
  /** Fields the mirror needs whatever describe says (describe adds the rest). */
  required: readonly string[];
}

export const mirroredObjects: readonly MirroredObject[] = [
  {
    name: 'IT_Request__c',
    parentField: null,
    watermarkField: 'SystemModstamp',
    bulk: true,
    deletesFrom: 'IT_Request__c',
    required: ['Id', 'Name', 'Client__c', 'SystemModstamp', 'CreatedDate'],
  },
  // History rows are written once and never change: CreatedDate is their watermark.
  {
    name: 'IT_Request__History',
    parentField: 'ParentId',
    watermarkField: 'CreatedDate',
    bulk: true,
    deletesFrom: null,
    required: ['Id', 'ParentId', 'Field', 'OldValue', 'NewValue', 'CreatedDate', 'CreatedById'],
  },
  {
    name: 'IT_Request__Feed',
    parentField: 'ParentId',
    watermarkField: 'SystemModstamp',
    bulk: true,
    deletesFrom: 'IT_Request__Feed',
    required: ['Id', 'ParentId', 'Type', 'Body', 'CreatedDate', 'CreatedById', 'SystemModstamp'],
  },
  {
    name: 'FeedComment',
    parentField: 'ParentId',
    watermarkField: 'SystemModstamp',
    bulk: false,
    deletesFrom: 'FeedComment',
    required: ['Id', 'FeedItemId', 'ParentId', 'CommentBody', 'CreatedDate', 'CreatedById', 'SystemModstamp'],
  },
  {
    name: 'Note',
    parentField: 'ParentId',
    watermarkField: 'SystemModstamp',
    bulk: false,
    deletesFrom: 'Note',
    required: ['Id', 'ParentId', 'Title', 'Body', 'CreatedDate', 'CreatedById', 'SystemModstamp'],
  },
  {
    name: 'ContentDocumentLink',
    parentField: 'LinkedEntityId',
    watermarkField: 'SystemModstamp',
    bulk: false,
    deletesFrom: null,
    required: ['Id', 'LinkedEntityId', 'ContentDocumentId', 'SystemModstamp'],
  },
  {
    name: 'ContentVersion',
    parentField: 'ContentDocumentId',
    watermarkField: 'SystemModstamp',
    bulk: false,
    deletesFrom: 'ContentDocument',
    required: ['Id', 'ContentDocumentId', 'Title', 'PathOnClient', 'FileExtension', 'ContentSize', 'Checksum', 'IsLatest', 'SystemModstamp'],
  },
];

export function mirroredObject(name: MirroredObjectName): MirroredObject {
  const o = mirroredObjects.find((x) => x.name === name);
  if (!o) throw new Error(`not a mirrored object: ${name}`);
  return o;
}

/** Describe types the mirror never selects: blobs are downloaded, compound fields are not queryable in Bulk. */
const unselectable = new Set(['base64', 'address', 'location']);

/**
 * The fields to select: every field describe lists (so a custom field added in Setup is mirrored
 * on the next sync, not dropped), blobs excepted, and the ones the mirror needs first.
 */
export function selectFields(object: MirroredObject, described: ReadonlyArray<{ name: string; type: string }>): string[] {
  const names = new Set<string>(object.required);
  for (const f of described) if (!unselectable.has(f.type)) names.add(f.name);
  // Required fields the org lacks would fail the query: keep only the described ones when describe answered.
  const known = new Set(described.map((f) => f.name));
  return [...names].filter((n) => known.size === 0 || known.has(n));
}
