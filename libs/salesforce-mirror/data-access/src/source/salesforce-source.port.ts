import type { Readable } from 'node:stream';

/** A record as read from Salesforce: field name → value (Bulk CSV gives strings, REST typed JSON). */
export type SalesforceRecord = Record<string, unknown>;

export interface DescribedField {
  name: string;
  type: string;
  custom: boolean;
}

export interface DeletedRecords {
  ids: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable: string | null;
  latestDateCovered: string | null;
}

/** The org's API allocation as the last response reported it (`Sforce-Limit-Info`). */
export interface ApiLimits {
  used: number;
  limit: number;
}

/**
 * The read-only Salesforce source the mirror syncs from. Never writes to the org. The adapter
 * owns authentication, backs off REQUEST_LIMIT_EXCEEDED and re-authenticates an expired session.
 */
export interface SalesforceSource {
  describe(object: string): Promise<DescribedField[]>;
  /** A Bulk API 2.0 query job: every matching record, pages of CSV read by `Sforce-Locator`. */
  bulkQuery(soql: string): AsyncIterable<SalesforceRecord[]>;
  /** REST query, pages followed by `nextRecordsUrl`. */
  query(soql: string): AsyncIterable<SalesforceRecord[]>;
  count(object: string): Promise<number>;
  deleted(object: string, start: Date, end: Date): Promise<DeletedRecords>;
  /** The bytes of one ContentVersion, streamed. */
  versionData(contentVersionId: string): Promise<Readable>;
  limits(): ApiLimits | null;
  /** Times a call waited out REQUEST_LIMIT_EXCEEDED since the adapter was made. */
  readonly limitBackoffs: number;
}

export const SALESFORCE_SOURCE = Symbol.for('leaf.salesforce-mirror.SalesforceSource');
