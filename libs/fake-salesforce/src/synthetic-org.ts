import { createHash } from 'node:crypto';

/** One field of an sObject as describe reports it. */
export interface FakeField {
  name: string;
  type: 'id' | 'string' | 'textarea' | 'picklist' | 'reference' | 'datetime' | 'date' | 'boolean' | 'int' | 'double' | 'base64';
  label: string;
  custom: boolean;
  nillable: boolean;
}

export type FakeRecord = Record<string, string | number | boolean | null>;

export interface FakeSObject {
  name: string;
  keyPrefix: string;
  custom: boolean;
  fields: FakeField[];
  /** Live records by id (ISO datetimes inside; the server writes Salesforce's `+0000` form). */
  records: Map<string, FakeRecord>;
  /** Deleted records (Recycle Bin), for getDeleted and queryAll. */
  deleted: Map<string, { record: FakeRecord; deletedDate: string }>;
}

export interface SyntheticOrgOptions {
  /** IT requests in the org (default 40). */
  requests?: number;
  /** Clients the requests are spread over (their ids go in `Client__c`). */
  clients?: readonly string[];
  seed?: number;
  /** "now" of the org's history: every generated timestamp is before it. */
  now?: Date;
}

/** Salesforce's datetime wire form: `2026-12-03T14:00:00.000+0000`. */
export const sfDateTime = (iso: string): string => iso.replace(/Z$/, '+0000');

const f = (name: string, type: FakeField['type'], custom = false, nillable = true): FakeField => ({
  name,
  type,
  label: name.replace(/__c$/, '').replace(/_/g, ' '),
  custom,
  nillable,
});
const audit = [
  f('CreatedDate', 'datetime', false, false),
  f('CreatedById', 'reference', false, false),
  f('LastModifiedDate', 'datetime', false, false),
  f('SystemModstamp', 'datetime', false, false),
  f('IsDeleted', 'boolean', false, false),
];

/** The objects of the synthetic org and their fields. */
function objectDefinitions(): Array<Omit<FakeSObject, 'records' | 'deleted'>> {
  return [
    {
      name: 'IT_Request__c',
      keyPrefix: 'a0X',
      custom: true,
      fields: [
        f('Id', 'id', false, false),
        f('Name', 'string', false, false),
        f('OwnerId', 'reference', false, false),
        f('Subject__c', 'string', true),
        f('Description__c', 'textarea', true),
        f('Status__c', 'picklist', true),
        f('Priority__c', 'picklist', true),
        f('Category__c', 'picklist', true),
        f('Client__c', 'string', true),
        f('Requested_By__c', 'string', true),
        f('Due_Date__c', 'date', true),
        ...audit,
      ],
    },
    {
      name: 'IT_Request__History',
      keyPrefix: '017',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('ParentId', 'reference', false, false),
        f('Field', 'picklist', false, false),
        f('OldValue', 'string'),
        f('NewValue', 'string'),
        f('CreatedDate', 'datetime', false, false),
        f('CreatedById', 'reference', false, false),
        f('IsDeleted', 'boolean', false, false),
      ],
    },
    {
      name: 'IT_Request__Feed',
      keyPrefix: '0D5',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('ParentId', 'reference', false, false),
        f('Type', 'picklist', false, false),
        f('Title', 'string'),
        f('Body', 'textarea'),
        f('CommentCount', 'int', false, false),
        ...audit,
      ],
    },
    {
      name: 'FeedComment',
      keyPrefix: '0D7',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('FeedItemId', 'reference', false, false),
        f('ParentId', 'reference', false, false),
        f('CommentBody', 'textarea', false, false),
        ...audit,
      ],
    },
    {
      name: 'Note',
      keyPrefix: '002',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('ParentId', 'reference', false, false),
        f('Title', 'string', false, false),
        f('Body', 'textarea'),
        f('IsPrivate', 'boolean', false, false),
        ...audit,
      ],
    },
    {
      name: 'ContentDocument',
      keyPrefix: '069',
      custom: false,
      fields: [f('Id', 'id', false, false), f('Title', 'string', false, false), f('LatestPublishedVersionId', 'reference', false, false), ...audit],
    },
    {
      name: 'ContentVersion',
      keyPrefix: '068',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('ContentDocumentId', 'reference', false, false),
        f('Title', 'string', false, false),
        f('PathOnClient', 'string'),
        f('FileExtension', 'string'),
        f('ContentSize', 'int'),
        f('Checksum', 'string'),
        f('IsLatest', 'boolean', false, false),
        f('VersionNumber', 'string'),
        f('VersionData', 'base64'),
        ...audit,
      ],
    },
    {
      name: 'ContentDocumentLink',
      keyPrefix: '06A',
      custom: false,
      fields: [
        f('Id', 'id', false, false),
        f('LinkedEntityId', 'reference', false, false),
        f('ContentDocumentId', 'reference', false, false),
        f('ShareType', 'picklist'),
        f('Visibility', 'picklist'),
        f('SystemModstamp', 'datetime', false, false),
        f('IsDeleted', 'boolean', false, false),
      ],
    },
  ];
}

/** Deterministic PRNG (mulberry32): the same seed gives the same org. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const subjects = [
  'Laptop replacement',
  'VPN access for contractor',
  'Claims extract for audit',
  'New PBM portal account',
  'Rebate file reconciliation',
  'SFTP key rotation',
  'Dashboard for plan sponsor',
  'Formulary change report',
];
const statuses = ['New', 'In Progress', 'Waiting on Client', 'Resolved', 'Closed'];
const priorities = ['Low', 'Medium', 'High', 'Critical'];
const categories = ['Access', 'Hardware', 'Data Request', 'Reporting'];
const users = ['005000000000001AAA', '005000000000002AAA', '005000000000003AAA'];

/**
 * A synthetic Salesforce org of IT requests (`IT_Request__c`) with field history, feed items and
 * comments, notes and files (ContentDocument → ContentVersion, linked by ContentDocumentLink),
 * every record stamped with CreatedDate / SystemModstamp in the org's past. Mutations stamp
 * "now" and write history for tracked fields, as the platform does.
 */
export class SyntheticOrg {
  readonly objects = new Map<string, FakeSObject>();
  /** ContentVersion id → VersionData bytes. */
  readonly blobs = new Map<string, Buffer>();
  /** Deletes older than this are purged: getDeleted refuses a start before it. */
  earliestDeleteAvailable: string;
  private seq = 0;
  private clock = 0;
  /** False while the constructor writes the org's past: the clock is then the generator's. */
  private live = false;
  private readonly trackedFields = ['Status__c', 'Priority__c', 'Subject__c'];

  constructor(options: SyntheticOrgOptions = {}) {
    for (const def of objectDefinitions()) this.objects.set(def.name, { ...def, fields: [...def.fields], records: new Map(), deleted: new Map() });
    const now = (options.now ?? new Date()).getTime();
    this.earliestDeleteAvailable = new Date(now - 15 * 86_400_000).toISOString();
    const rand = prng(options.seed ?? 21);
    const clients = options.clients?.length ? options.clients : ['northfield-tech', 'cascade-logistics'];
    const count = options.requests ?? 40;
    const start = now - 60 * 86_400_000;
    const step = (50 * 86_400_000) / Math.max(count, 1);
    for (let i = 0; i < count; i++) {
      this.clock = start + i * step;
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
      const id = this.insert('IT_Request__c', {
        Name: `ITR-${String(i + 1).padStart(5, '0')}`,
        OwnerId: pick(users),
        Subject__c: `${pick(subjects)} #${i + 1}`,
        Description__c: `Request ${i + 1}: please ${pick(subjects).toLowerCase()} for the ${pick(categories).toLowerCase()} team.`,
        Status__c: 'New',
        Priority__c: pick(priorities),
        Category__c: pick(categories),
        Client__c: clients[i % clients.length],
        Requested_By__c: `user${1 + Math.floor(rand() * 9)}@${clients[i % clients.length]}.example`,
        Due_Date__c: new Date(start + (i + 20) * step).toISOString().slice(0, 10),
      });
      for (let h = 0; h < Math.floor(rand() * 3); h++) {
        this.clock += step / 10;
        this.update('IT_Request__c', id, { Status__c: statuses[h + 1], Priority__c: pick(priorities) });
      }
      for (let n = 0; n < Math.floor(rand() * 3); n++) {
        this.clock += step / 20;
        this.insert('Note', {
          ParentId: id,
          Title: `Call notes ${n + 1}`,
          Body: `Spoke with the requester about ${pick(subjects).toLowerCase()}.`,
          IsPrivate: false,
        });
      }
      for (let p = 0; p < Math.floor(rand() * 3); p++) {
        this.clock += step / 20;
        const post = this.insert('IT_Request__Feed', {
          ParentId: id,
          Type: 'TextPost',
          Title: null,
          Body: `Update ${p + 1}: ${pick(statuses).toLowerCase()}.`,
          CommentCount: 0,
        });
        for (let c = 0; c < Math.floor(rand() * 3); c++) this.comment(post, `Reply ${c + 1} on update ${p + 1}.`);
      }
      for (let d = 0; d < Math.floor(rand() * 3); d++) {
        this.clock += step / 20;
        const bytes = Buffer.from(
          `%PDF-1.4\n% ${clients[i % clients.length]} ITR-${i + 1} attachment ${d + 1}\n${'x'.repeat(200 + Math.floor(rand() * 2000))}\n%%EOF\n`,
        );
        this.attachFile(id, `Attachment ${d + 1}.pdf`, bytes);
      }
    }
    this.clock = now;
    this.live = true;
  }

  /** The org clock: real time once generation is done, advanced explicitly in between. */
  now(): string {
    if (!this.live) return new Date(this.clock).toISOString();
    // Never backwards, so "after the watermark" holds for everything written after it.
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock).toISOString();
  }

  object(name: string): FakeSObject | undefined {
    return this.objects.get(name);
  }

  private nextId(prefix: string): string {
    this.seq++;
    return `${prefix}${String(this.seq).padStart(12, '0')}AAA`;
  }

  private stamp(at: string): FakeRecord {
    return { CreatedDate: at, CreatedById: users[0], LastModifiedDate: at, SystemModstamp: at, IsDeleted: false };
  }

  /** Inserts a record; `at` (default: the org clock) stamps it. Returns its id. */
  insert(objectName: string, fields: FakeRecord, at?: string): string {
    const o = this.must(objectName);
    const when = at ?? this.now();
    const id = this.nextId(o.keyPrefix);
    const record: FakeRecord = { Id: id, ...this.stamp(when), ...fields };
    // Objects without the audit fields (history, links) keep only what they define.
    for (const key of Object.keys(record)) if (!o.fields.some((x) => x.name === key)) delete record[key];
    o.records.set(id, record);
    return id;
  }

  /** Updates fields, stamping SystemModstamp and writing history rows for tracked fields. */
  update(objectName: string, id: string, fields: FakeRecord): void {
    const record = this.must(objectName).records.get(id);
    if (!record) throw new Error(`no ${objectName} ${id}`);
    const at = this.now();
    if (objectName === 'IT_Request__c') {
      for (const [field, value] of Object.entries(fields)) {
        if (this.trackedFields.includes(field) && record[field] !== value) {
          this.insert(
            'IT_Request__History',
            { ParentId: id, Field: field, OldValue: record[field] === null ? null : String(record[field]), NewValue: value === null ? null : String(value) },
            at,
          );
        }
      }
    }
    Object.assign(record, fields, { LastModifiedDate: at, SystemModstamp: at });
  }

  comment(feedItemId: string, body: string): string {
    const post = this.must('IT_Request__Feed').records.get(feedItemId);
    if (!post) throw new Error(`no feed item ${feedItemId}`);
    const id = this.insert('FeedComment', { FeedItemId: feedItemId, ParentId: post['ParentId'], CommentBody: body });
    post['CommentCount'] = Number(post['CommentCount'] ?? 0) + 1;
    return id;
  }

  /** A file on a record: a ContentDocument, its first (latest) ContentVersion and the link. */
  attachFile(recordId: string, fileName: string, bytes: Buffer): { documentId: string; versionId: string } {
    const ext = fileName.includes('.') ? (fileName.split('.').pop() ?? null) : null;
    const documentId = this.insert('ContentDocument', { Title: fileName.replace(/\.[^.]+$/, ''), LatestPublishedVersionId: '' });
    const versionId = this.insert('ContentVersion', {
      ContentDocumentId: documentId,
      Title: fileName.replace(/\.[^.]+$/, ''),
      PathOnClient: fileName,
      FileExtension: ext,
      ContentSize: bytes.length,
      Checksum: createHash('md5').update(bytes).digest('hex'),
      IsLatest: true,
      VersionNumber: '1',
      VersionData: null,
    });
    this.must('ContentDocument').records.get(documentId)!['LatestPublishedVersionId'] = versionId;
    this.blobs.set(versionId, bytes);
    this.insert('ContentDocumentLink', { LinkedEntityId: recordId, ContentDocumentId: documentId, ShareType: 'V', Visibility: 'AllUsers' });
    return { documentId, versionId };
  }

  /** Deletes a record into the Recycle Bin; an IT request takes its notes, feed and links with it, a document its versions and links. */
  delete(objectName: string, id: string): void {
    const o = this.must(objectName);
    const record = o.records.get(id);
    if (!record) throw new Error(`no ${objectName} ${id}`);
    const at = this.now();
    o.records.delete(id);
    o.deleted.set(id, { record: { ...record, IsDeleted: true, SystemModstamp: at }, deletedDate: at });
    const cascade = (child: string, field: string) => {
      for (const [cid, r] of this.must(child).records) if (r[field] === id) this.delete(child, cid);
    };
    if (objectName === 'IT_Request__c') {
      for (const child of ['Note', 'IT_Request__Feed', 'FeedComment']) cascade(child, 'ParentId');
      cascade('ContentDocumentLink', 'LinkedEntityId');
    }
    if (objectName === 'ContentDocument') {
      cascade('ContentVersion', 'ContentDocumentId');
      cascade('ContentDocumentLink', 'ContentDocumentId');
    }
    if (objectName === 'IT_Request__Feed') cascade('FeedComment', 'FeedItemId');
  }

  /** Adds a custom field to an object (as an admin would in Setup), filling existing records. */
  addCustomField(objectName: string, field: Omit<FakeField, 'label' | 'custom' | 'nillable'>, valueOf: (record: FakeRecord) => FakeRecord[string]): void {
    const o = this.must(objectName);
    o.fields.push({ ...field, label: field.name.replace(/__c$/, '').replace(/_/g, ' '), custom: true, nillable: true });
    // Filling a new field does not touch SystemModstamp on the platform; the admin's data load does.
    for (const id of o.records.keys()) this.update(objectName, id, { [field.name]: valueOf(o.records.get(id)!) });
  }

  /** Forgets deletes older than `before` (default: now), as the Recycle Bin purge does. */
  purgeDeletes(before = this.now()): void {
    this.earliestDeleteAvailable = before;
  }

  private must(name: string): FakeSObject {
    const o = this.objects.get(name);
    if (!o) throw new Error(`no sObject ${name}`);
    return o;
  }
}
