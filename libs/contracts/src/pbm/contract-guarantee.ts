import { z } from 'zod';
import { sha256Schema } from '../hashing/sha256';
import { channelSchema, drugTypeSchema } from './channel';
import { clientIdSchema } from './client';
import { isoDateSchema, rateSchema } from './money';

export const guaranteeMetrics = ['awp_discount', 'dispensing_fee', 'rebate_per_brand_claim'] as const;
export const guaranteeMetricSchema = z.enum(guaranteeMetrics);
export type GuaranteeMetric = z.infer<typeof guaranteeMetricSchema>;

export const claimExclusions = ['uc_priced', 'compound', '340b', 'reversal'] as const;
export const claimExclusionSchema = z.enum(claimExclusions);
export type ClaimExclusion = z.infer<typeof claimExclusionSchema>;

/** Where a figure came from: source system, object, content hash and a locator inside it. */
export const evidenceRefSchema = z.object({
  sourceSystem: z.enum(['contract-packet', 'synthetic-seed', 'claims-source', 'salesforce', 'domo']),
  objectId: z.string().min(1).max(128),
  sha256: sha256Schema.nullable(),
  locator: z.string().min(1).max(200),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

/**
 * One contracted term for a client and contract period. `awp_discount` is a fraction
 * (0.185 = AWP-18.5%); `dispensing_fee` and `rebate_per_brand_claim` are dollars.
 * `channel`/`drugType` null means the term applies to every channel / drug type.
 */
export const contractGuaranteeSchema = z.object({
  guaranteeId: z.string().min(1).max(64),
  clientId: clientIdSchema,
  periodId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  metric: guaranteeMetricSchema,
  channel: channelSchema.nullable(),
  drugType: drugTypeSchema.nullable(),
  guaranteedValue: rateSchema,
  method: z.enum(['aggregate', 'per_claim']),
  exclusions: z.array(claimExclusionSchema),
  evidence: evidenceRefSchema,
  /**
   * When this version is in force within its period (an amendment from July, say); absent or null:
   * from the period's start / to its end. Each date is governed by the highest version covering it.
   */
  effectiveFrom: isoDateSchema.nullable().optional(),
  effectiveTo: isoDateSchema.nullable().optional(),
});
export type ContractGuarantee = z.infer<typeof contractGuaranteeSchema>;
