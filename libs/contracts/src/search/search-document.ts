import { z } from 'zod';
import { roleSchema } from '../auth/identity';
import { clientIdSchema } from '../pbm/client';

/**
 * The one search-document contract: what every publisher (contract-packets, salesforce-mirror,
 * claims-runtime, domo-takeover) hands retrieval on its `<domain>.search-documents.v1` topic.
 *
 * A document is identified by `documentId` (stable across versions of the same source object: a
 * new version REPLACES the previous one) and carries its source system, the object's id there,
 * the content hash of the version, the one client it belongs to, its chunks with locators and
 * an optional role floor. The fields added after the first publisher shipped are optional so a
 * v1 body stays valid; retrieval derives what is absent (see `moduleOfSource`, `objectIdOf`).
 */

/** Indexes are split by module; the router picks modules from the query and the caller's role. */
export const searchModules = ['contracts', 'findings', 'requests', 'takeover', 'docs'] as const;
export const searchModuleSchema = z.enum(searchModules);
export type SearchModule = z.infer<typeof searchModuleSchema>;

/** Source systems that publish search documents. */
export const searchSources = ['contract-packet', 'salesforce', 'claims-finding', 'domo-takeover', 'docs'] as const;
export const searchSourceSchema = z.enum(searchSources);
export type SearchSource = z.infer<typeof searchSourceSchema>;

/**
 * What the text is, which picks the chunking rule when the publisher sends no chunks:
 * `rate-schedule` splits into one chunk per table row (tab-separated cells, header carried into
 * each row), `page` into pages (blank-line units) and paragraphs, the short kinds stay whole.
 */
export const searchDocumentKinds = ['rate-schedule', 'page', 'finding-summary', 'request-body', 'note', 'feed', 'file', 'comparison'] as const;
export const searchDocumentKindSchema = z.enum(searchDocumentKinds);
export type SearchDocumentKind = z.infer<typeof searchDocumentKindSchema>;

const sha256 = z.string().regex(/^[a-f0-9]{64}$/);
const at = z.iso.datetime();
export const searchDocumentIdSchema = z.string().min(1).max(200);
export const searchLocatorSchema = z.string().min(1).max(200);

/** A chunk as the publisher split it: its text and where it sits (`Rates!C7`, `p3`, `note:00X…`). */
export const searchChunkSchema = z.object({
  locator: searchLocatorSchema,
  text: z.string().min(1).max(20_000),
});
export type SearchChunk = z.infer<typeof searchChunkSchema>;

export const searchDocumentV1 = z.object({
  documentId: searchDocumentIdSchema,
  clientId: clientIdSchema,
  source: searchSourceSchema,
  title: z.string().max(500),
  /** The whole extracted text; retrieval chunks it by `kind` when `chunks` is absent. */
  text: z.string().max(1_000_000),
  /** Content hash of this version of the source object: a re-sent hash changes nothing. */
  sha256,
  /** Where the text as a whole sits (the document, a page) when no chunk locators are given. */
  locator: searchLocatorSchema,
  /** Absent: derived from `source` (`moduleOfSource`). */
  module: searchModuleSchema.optional(),
  /** The object's id in the source system (Graph item, Salesforce record, run id); absent: the documentId. */
  objectId: z.string().min(1).max(200).optional(),
  kind: searchDocumentKindSchema.optional(),
  chunks: z.array(searchChunkSchema).min(1).max(5_000).optional(),
  /** `delete` removes the document (the source object is gone); absent: `upsert`. */
  action: z.enum(['upsert', 'delete']).optional(),
  /** Documents this one replaces (an amendment over its schedule, a rerun over its run): they drop out. */
  supersedes: z.array(searchDocumentIdSchema).max(100).optional(),
  /** The weakest role that may see it within the client; absent: every role of the client. */
  minRole: roleSchema.optional(),
  /** When the source object changed; an older version never overwrites a newer one. */
  updatedAt: at.optional(),
});
export type SearchDocumentV1 = z.infer<typeof searchDocumentV1>;

const moduleBySource: Readonly<Record<SearchSource, SearchModule>> = {
  'contract-packet': 'contracts',
  salesforce: 'requests',
  'claims-finding': 'findings',
  'domo-takeover': 'takeover',
  docs: 'docs',
};

export function moduleOfSource(source: SearchSource): SearchModule {
  return moduleBySource[source];
}

/** The module a document is indexed under: its own, or its source's. */
export function moduleOf(doc: Pick<SearchDocumentV1, 'module' | 'source'>): SearchModule {
  return doc.module ?? moduleOfSource(doc.source);
}

export function objectIdOf(doc: Pick<SearchDocumentV1, 'objectId' | 'documentId'>): string {
  return doc.objectId ?? doc.documentId;
}
