import { z } from 'zod';

/*
 * The domo-takeover API: Domo datasets brought into bronze (raw export in the lake) and silver
 * (typed rows), their flaw gates, and golden comparisons of Domo's published output against the
 * backend's curated model, every difference with a reason code.
 */

// A lowercase hex SHA-256, as the lake keys objects.
const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/);

export const domoDatasetNameSchema = z.enum(['claims_extract', 'savings_by_client_month']);
export type DomoDatasetName = z.infer<typeof domoDatasetNameSchema>;

/** Why a difference exists, assigned by rules in this order of precedence. */
export const domoReasonCodes = ['missing_in_domo', 'missing_in_backend', 'rounding', 'definition_change', 'timing', 'unexplained'] as const;
export const domoReasonCodeSchema = z.enum(domoReasonCodes);
export type DomoReasonCode = z.infer<typeof domoReasonCodeSchema>;

export const domoExportIdSchema = z.string().regex(/^dex-[a-f0-9]{24}$/, 'export id is dex- and 24 hex digits');
export const domoComparisonIdSchema = z.string().regex(/^dcm-[a-f0-9]{24}$/, 'comparison id is dcm- and 24 hex digits');

/**
 * received: in bronze; rejected: drift or untypable rows kept it out of silver; blocked: loaded to
 * silver but an error gate failed; promoted: the dataset's current silver export.
 */
export const domoExportStatusSchema = z.enum(['received', 'rejected', 'blocked', 'promoted']);
export type DomoExportStatus = z.infer<typeof domoExportStatusSchema>;

const domoColumn = z.object({ name: z.string(), type: z.string() });
export const domoSchemaDriftSchema = z.object({
  added: z.array(domoColumn),
  removed: z.array(domoColumn),
  retyped: z.array(z.object({ name: z.string(), declared: z.string(), observed: z.string() })),
});

export const domoExportSchema = z.object({
  exportId: domoExportIdSchema,
  dataset: domoDatasetNameSchema,
  domoDatasetId: z.string(),
  exportedAt: z.iso.datetime(),
  dataCurrentAt: z.iso.datetime().nullable(),
  sha256: sha256Schema,
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  silverRows: z.number().int().nonnegative(),
  status: domoExportStatusSchema,
  reason: z.string().nullable(),
  drift: domoSchemaDriftSchema,
});
export type DomoExport = z.infer<typeof domoExportSchema>;

export const domoGateResultSchema = z.object({
  gateId: z.string(),
  kind: z.string(),
  severity: z.enum(['warn', 'error']),
  mostly: z.number(),
  checked: z.number().int(),
  failed: z.number().int(),
  passRate: z.number(),
  status: z.enum(['pass', 'warn', 'fail']),
  observed: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
  /** A few failing rows, as typed values by column. */
  samples: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
});
export type DomoGateResult = z.infer<typeof domoGateResultSchema>;

export const domoDifferenceSchema = z.object({
  seq: z.number().int(),
  key: z.record(z.string(), z.string()),
  measure: z.string(),
  domo: z.number().nullable(),
  backend: z.number().nullable(),
  delta: z.number(),
  material: z.boolean(),
  reason: domoReasonCodeSchema,
  note: z.string(),
});
export type DomoDifference = z.infer<typeof domoDifferenceSchema>;

export const domoComparisonSummarySchema = z.object({
  keysCompared: z.number().int(),
  keysMatched: z.number().int(),
  differences: z.number().int(),
  material: z.number().int(),
  byReason: z.record(domoReasonCodeSchema, z.object({ count: z.number().int(), material: z.number().int(), absDelta: z.number() })),
});
export type DomoComparisonSummary = z.infer<typeof domoComparisonSummarySchema>;

export const domoSignOffSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  at: z.iso.datetime(),
  note: z.string().nullable(),
});

export const domoComparisonSchema = z.object({
  comparisonId: domoComparisonIdSchema,
  dataset: domoDatasetNameSchema,
  exportId: domoExportIdSchema,
  model: z.string(),
  createdAt: z.iso.datetime(),
  summary: domoComparisonSummarySchema,
  packet: z.object({ jsonSha256: sha256Schema, xlsxSha256: sha256Schema, pdfSha256: sha256Schema.nullable() }).nullable(),
  signOff: domoSignOffSchema.nullable(),
});
export type DomoComparison = z.infer<typeof domoComparisonSchema>;

/** POST /v1/domo/comparisons/{comparisonId}/sign-off */
export const domoSignOffRequestSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  note: z.string().trim().min(1).max(2000).optional(),
});
export type DomoSignOffRequest = z.infer<typeof domoSignOffRequestSchema>;

/** GET /v1/domo/comparisons/{comparisonId}/differences?reason=&material=&limit=&offset= */
export const domoDifferenceQuerySchema = z.object({
  reason: domoReasonCodeSchema.optional(),
  material: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type DomoDifferenceQuery = z.infer<typeof domoDifferenceQuerySchema>;

/** `domo.comparison-completed.v1`: a golden comparison was recorded (its packet is in the lake). */
export const domoComparisonCompletedV1 = z.object({
  comparisonId: domoComparisonIdSchema,
  dataset: domoDatasetNameSchema,
  exportId: domoExportIdSchema,
  model: z.string(),
  differences: z.number().int().nonnegative(),
  material: z.number().int().nonnegative(),
  unexplained: z.number().int().nonnegative(),
  completedAt: z.iso.datetime(),
});
export type DomoComparisonCompletedV1 = z.infer<typeof domoComparisonCompletedV1>;

/** Answer of an ingest round (POST /v1/domo/ingest, the `domo.ingest` task). */
export const domoIngestResultSchema = z.object({
  exports: z.array(
    z.object({
      exportId: domoExportIdSchema,
      dataset: domoDatasetNameSchema,
      status: z.enum(['rejected', 'blocked', 'promoted']),
      replayed: z.boolean(),
      rows: z.number().int().nonnegative(),
      silverRows: z.number().int().nonnegative(),
      reason: z.string().nullable(),
      failedGates: z.array(z.string()),
    }),
  ),
});
export type DomoIngestResult = z.infer<typeof domoIngestResultSchema>;

export const domoExportParamsSchema = z.object({ exportId: domoExportIdSchema });
export const domoComparisonParamsSchema = z.object({ comparisonId: domoComparisonIdSchema });
/** The files of a comparison packet, as the lake keeps them (an unknown name, or any path, fails here). */
export const domoPacketNames = ['packet.json', 'packet.xlsx', 'packet.pdf'] as const;
export const domoPacketNameSchema = z.enum(domoPacketNames);
export type DomoPacketName = z.infer<typeof domoPacketNameSchema>;
export const domoPacketParamsSchema = domoComparisonParamsSchema.extend({ name: domoPacketNameSchema });
export type DomoPacketParams = z.infer<typeof domoPacketParamsSchema>;
export const domoExportListQuerySchema = z.object({
  dataset: domoDatasetNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type DomoExportListQuery = z.infer<typeof domoExportListQuerySchema>;
export const domoPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type DomoPageQuery = z.infer<typeof domoPageQuerySchema>;

/** GET /v1/domo/datasets: each declared dataset with its promoted export. */
export const domoDatasetListSchema = z.object({
  items: z.array(
    z.object({
      dataset: domoDatasetNameSchema,
      domoName: z.string(),
      description: z.string(),
      columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })),
      key: z.array(z.string()),
      gates: z.array(z.object({ gateId: z.string(), kind: z.string(), severity: z.enum(['warn', 'error']), mostly: z.number() })),
      promotedExportId: domoExportIdSchema.nullable(),
    }),
  ),
});
export type DomoDatasetList = z.infer<typeof domoDatasetListSchema>;
export const domoExportListSchema = z.object({ items: z.array(domoExportSchema) });
export const domoGateResultListSchema = z.object({ exportId: domoExportIdSchema, items: z.array(domoGateResultSchema) });
export const domoComparisonListSchema = z.object({ items: z.array(domoComparisonSchema) });
export const domoDifferenceListSchema = z.object({ items: z.array(domoDifferenceSchema), total: z.number().int().nonnegative() });
export type DomoDifferenceList = z.infer<typeof domoDifferenceListSchema>;
