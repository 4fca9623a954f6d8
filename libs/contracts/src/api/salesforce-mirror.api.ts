import { z } from 'zod';
import { clientIdSchema } from '../pbm/client';

/** An 18-character Salesforce record id. */
export const salesforceIdSchema = z.string().regex(/^[a-zA-Z0-9]{18}$/, 'a Salesforce id is 18 letters and digits');
export const salesforceRequestParamsSchema = z.object({ requestId: salesforceIdSchema });
export const salesforceFileParamsSchema = z.object({ requestId: salesforceIdSchema, contentVersionId: salesforceIdSchema });

const at = z.iso.datetime();
const sha256 = z.string().regex(/^[a-f0-9]{64}$/);
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** GET /v1/salesforce/requests?clientId=&status=&q=&modifiedSince=&includeDeleted=&limit=&cursor= */
export const salesforceRequestListQuerySchema = z.object({
  clientId: clientIdSchema.optional(),
  status: z.string().min(1).max(80).optional(),
  /** Words in the subject (case-insensitive). */
  q: z.string().min(1).max(100).optional(),
  modifiedSince: at.optional(),
  includeDeleted: flag,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: salesforceIdSchema.optional(),
});
export type SalesforceRequestListQuery = z.infer<typeof salesforceRequestListQuerySchema>;

export const salesforceRequestSummarySchema = z.object({
  requestId: salesforceIdSchema,
  clientId: clientIdSchema,
  name: z.string(),
  subject: z.string().nullable(),
  status: z.string().nullable(),
  priority: z.string().nullable(),
  category: z.string().nullable(),
  createdDate: at.nullable(),
  systemModstamp: at,
  /** Deleted in Salesforce: kept here, marked. */
  deletedAt: at.nullable(),
});
export type SalesforceRequestSummary = z.infer<typeof salesforceRequestSummarySchema>;
export const salesforceRequestListSchema = z.object({ items: z.array(salesforceRequestSummarySchema), nextCursor: salesforceIdSchema.nullable() });
export type SalesforceRequestList = z.infer<typeof salesforceRequestListSchema>;

export const salesforceHistoryEntrySchema = z.object({
  id: salesforceIdSchema,
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  changedAt: at,
  changedBy: z.string().nullable(),
});
export const salesforceFileSchema = z.object({
  contentVersionId: salesforceIdSchema,
  contentDocumentId: salesforceIdSchema,
  title: z.string(),
  fileName: z.string().nullable(),
  extension: z.string().nullable(),
  size: z.number().int().nonnegative().nullable(),
  sha256: sha256.nullable(),
  /** The bytes are in the lake: GET …/files/{contentVersionId} serves them. */
  downloadable: z.boolean(),
  deletedAt: at.nullable(),
});
export const salesforceNoteSchema = z.object({
  id: salesforceIdSchema,
  title: z.string().nullable(),
  body: z.string().nullable(),
  createdDate: at.nullable(),
  createdBy: z.string().nullable(),
  deletedAt: at.nullable(),
});
export const salesforceFeedCommentSchema = z.object({
  id: salesforceIdSchema,
  body: z.string().nullable(),
  createdDate: at.nullable(),
  createdBy: z.string().nullable(),
  deletedAt: at.nullable(),
});
export const salesforceFeedItemSchema = z.object({
  id: salesforceIdSchema,
  type: z.string().nullable(),
  body: z.string().nullable(),
  createdDate: at.nullable(),
  createdBy: z.string().nullable(),
  deletedAt: at.nullable(),
  comments: z.array(salesforceFeedCommentSchema),
});
export const salesforceLineageEntrySchema = z.object({
  taskId: z.string(),
  kind: z.string(),
  status: z.string(),
  runIds: z.array(z.string()),
  deliverables: z.array(z.object({ name: z.string(), sha256, contentType: z.string(), bytes: z.number().int().nonnegative() })),
  createdAt: at,
});
export type SalesforceLineageEntry = z.infer<typeof salesforceLineageEntrySchema>;

/** GET /v1/salesforce/requests/{requestId}: the request with everything attached and the work it caused. */
export const salesforceRequestDetailSchema = salesforceRequestSummarySchema.extend({
  /** Every field as read from Salesforce, custom fields added later included. */
  fields: z.record(z.string(), z.unknown()),
  history: z.array(salesforceHistoryEntrySchema),
  files: z.array(salesforceFileSchema),
  notes: z.array(salesforceNoteSchema),
  feed: z.array(salesforceFeedItemSchema),
  lineage: z.array(salesforceLineageEntrySchema),
  evidence: z.object({ sha256, files: z.number().int().nonnegative(), createdAt: at }).nullable(),
});
export type SalesforceRequestDetail = z.infer<typeof salesforceRequestDetailSchema>;

/** GET /v1/salesforce/lineage?taskId= | artifactSha256= — the request behind a task or a deliverable. */
export const salesforceLineageQuerySchema = z
  .object({ taskId: z.string().min(1).max(64).optional(), artifactSha256: sha256.optional() })
  .refine((q) => Boolean(q.taskId) !== Boolean(q.artifactSha256), { message: 'give exactly one of taskId or artifactSha256' });
export type SalesforceLineageQuery = z.infer<typeof salesforceLineageQuerySchema>;
export const salesforceLineageAnswerSchema = z.object({
  items: z.array(z.object({ requestId: salesforceIdSchema, clientId: clientIdSchema, name: z.string(), taskId: z.string(), kind: z.string() })),
});
export type SalesforceLineageAnswer = z.infer<typeof salesforceLineageAnswerSchema>;

export const salesforceObjectCompletenessSchema = z.object({
  object: z.string(),
  sourceCount: z.number().int().nonnegative(),
  mirrorCount: z.number().int().nonnegative(),
  missingCount: z.number().int().nonnegative(),
  extraCount: z.number().int().nonnegative(),
  missing: z.array(z.string()),
  extra: z.array(z.string()),
});
export const salesforceCompletenessReportSchema = z.object({
  syncId: z.string(),
  clean: z.boolean(),
  objects: z.array(salesforceObjectCompletenessSchema),
  checkedAt: at,
});
export type SalesforceCompletenessReport = z.infer<typeof salesforceCompletenessReportSchema>;
export const salesforceCompletenessListSchema = z.object({ items: z.array(salesforceCompletenessReportSchema) });
export type SalesforceCompletenessList = z.infer<typeof salesforceCompletenessListSchema>;

export const salesforceSyncRunSchema = z.object({
  syncId: z.string(),
  mode: z.enum(['full', 'incremental']),
  status: z.enum(['running', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  apiUsed: z.number().int().nullable(),
  apiLimit: z.number().int().nullable(),
  limitBackoffs: z.number().int().nonnegative(),
  errorCode: z.string().nullable(),
  errorDetail: z.string().nullable(),
  startedAt: at,
  finishedAt: at.nullable(),
});
export type SalesforceSyncRun = z.infer<typeof salesforceSyncRunSchema>;

/** GET /v1/salesforce/sync: watermarks per object and the latest runs. */
export const salesforceSyncStatusSchema = z.object({
  objects: z.array(
    z.object({
      object: z.string(),
      watermark: at.nullable(),
      deletesCheckedTo: at.nullable(),
      fullSyncAt: at.nullable(),
      fields: z.number().int().nonnegative(),
    }),
  ),
  runs: z.array(salesforceSyncRunSchema),
});
export type SalesforceSyncStatus = z.infer<typeof salesforceSyncStatusSchema>;

/** POST /v1/salesforce/sync — `full: true` reloads everything through Bulk API 2.0. */
export const salesforceSyncBodySchema = z
  .object({ full: z.boolean().default(false) })
  .strict()
  .optional();
export type SalesforceSyncBody = z.infer<typeof salesforceSyncBodySchema>;
export const salesforceSyncResultSchema = z.object({ run: salesforceSyncRunSchema, completeness: salesforceCompletenessReportSchema.nullable() });
export type SalesforceSyncResult = z.infer<typeof salesforceSyncResultSchema>;
