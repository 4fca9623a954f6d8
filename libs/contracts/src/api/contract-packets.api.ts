import { z } from 'zod';
import { sha256Schema } from '../hashing/sha256';
import { channelSchema, drugTypeSchema } from '../pbm/channel';
import { clientIdSchema } from '../pbm/client';
import { claimExclusionSchema, evidenceRefSchema, guaranteeMetricSchema } from '../pbm/contract-guarantee';
import { rateSchema } from '../pbm/money';

/**
 * discovered -> stored -> extracted -> validated -> promoted, or rejected with a reason; `review`
 * holds a validated packet whose terms conflict with promoted ones until an operator decides.
 */
export const packetStatusSchema = z.enum(['discovered', 'stored', 'extracted', 'validated', 'review', 'promoted', 'rejected', 'deleted']);

const sha256 = sha256Schema;

export const packetIdSchema = z.string().regex(/^pkt-[a-f0-9]{24}$/, 'packet id is pkt- and 24 hex digits');
export const packetParamsSchema = z.object({ packetId: packetIdSchema });

/** GET /v1/packets?clientId=&limit=&cursor= */
export const packetListQuerySchema = z.object({
  clientId: clientIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^pkt-[a-f0-9]{24}$/)
    .optional(),
});
export type PacketListQuery = z.infer<typeof packetListQuerySchema>;

export const packetConflictSchema = z.object({
  guaranteeId: z.string(),
  proposed: rateSchema.nullable(),
  current: rateSchema,
  currentObjectId: z.string(),
  currentLocator: z.string(),
  locator: z.string(),
});

export const packetSummarySchema = z.object({
  packetId: packetIdSchema,
  clientId: clientIdSchema,
  source: z.enum(['graph', 'folder']),
  name: z.string(),
  format: z.enum(['pdf', 'xlsx', 'docx']).nullable(),
  kind: z.enum(['rate-schedule', 'amendment']).nullable(),
  periodId: z.string().nullable(),
  version: z.number().int().positive(),
  size: z.number().int().nonnegative(),
  sha256: sha256.nullable(),
  quickXorHash: z.string().nullable(),
  status: packetStatusSchema,
  reason: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type PacketSummary = z.infer<typeof packetSummarySchema>;

export const packetListSchema = z.object({ items: z.array(packetSummarySchema), nextCursor: z.string().nullable() });
export type PacketList = z.infer<typeof packetListSchema>;

/** GET /v1/packets/{packetId} */
export const packetDetailSchema = packetSummarySchema.extend({
  conflicts: z.array(packetConflictSchema),
  decidedBy: z.string().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int().positive(),
      size: z.number().int().nonnegative(),
      sha256: sha256.nullable(),
      status: packetStatusSchema,
      reason: z.string().nullable(),
      recordedAt: z.iso.datetime(),
    }),
  ),
});
export type PacketDetail = z.infer<typeof packetDetailSchema>;

/** GET /v1/packets/{packetId}/terms — the current version's terms, each with its evidence. */
export const packetTermSchema = z.object({
  guaranteeId: z.string(),
  metric: guaranteeMetricSchema,
  channel: channelSchema,
  drugType: drugTypeSchema.nullable(),
  /** Null: the packet states the bucket is not guaranteed. */
  guaranteedValue: rateSchema.nullable(),
  method: z.enum(['aggregate', 'per_claim']),
  exclusions: z.array(claimExclusionSchema),
  sourceText: z.string(),
  evidence: evidenceRefSchema,
});
export const packetTermListSchema = z.object({ packetId: packetIdSchema, version: z.number().int().positive(), items: z.array(packetTermSchema) });
export type PacketTermList = z.infer<typeof packetTermListSchema>;

/** POST /v1/packets/{packetId}/reject */
export const packetRejectBodySchema = z.object({ reason: z.string().trim().min(3).max(1000) });
export type PacketRejectBody = z.infer<typeof packetRejectBodySchema>;

/**
 * POST /v1/packets/sync body (optional). A delta round covers the whole drive; `clientId` (the
 * `contracts.sync` task's client) must be visible to the caller and is echoed back.
 */
export const packetSyncBodySchema = z.object({ clientId: clientIdSchema.optional() }).strict().optional();
export type PacketSyncBody = z.infer<typeof packetSyncBodySchema>;

/** POST /v1/packets/sync — 202 with what the run did (the run is synchronous and short; the route stays 202 for the task runner). */
export const packetSyncResultSchema = z.object({
  sourceId: z.string(),
  clientId: clientIdSchema.optional(),
  full: z.boolean(),
  seen: z.number().int(),
  unchanged: z.number().int(),
  promoted: z.number().int(),
  review: z.number().int(),
  rejected: z.number().int(),
  deleted: z.number().int(),
});
export type PacketSyncResult = z.infer<typeof packetSyncResultSchema>;
