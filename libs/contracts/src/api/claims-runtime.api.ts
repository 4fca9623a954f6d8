import { z } from 'zod';
import { channelSchema, drugTypeSchema } from '../pbm/channel';
import { clientIdSchema, clientSchema, contractPeriodSchema } from '../pbm/client';
import { contractGuaranteeSchema } from '../pbm/contract-guarantee';
import { isoDateSchema, moneySchema, rateSchema } from '../pbm/money';

/** GET /v1/clients */
export const clientSummarySchema = clientSchema.extend({ periods: z.array(contractPeriodSchema) });
export const clientListSchema = z.object({ items: z.array(clientSummarySchema) });
export type ClientList = z.infer<typeof clientListSchema>;

export const clientParamsSchema = z.object({ clientId: clientIdSchema });

/** GET /v1/clients/{clientId}/guarantees — the current version of every term. */
export const guaranteeListSchema = z.object({ clientId: clientIdSchema, items: z.array(contractGuaranteeSchema) });
export type GuaranteeList = z.infer<typeof guaranteeListSchema>;

/** GET /v1/clients/{clientId}/claims/summary?from=&to= */
export const claimsSummaryQuerySchema = z
  .object({ from: isoDateSchema.optional(), to: isoDateSchema.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type ClaimsSummaryQuery = z.infer<typeof claimsSummaryQuerySchema>;

export const claimsBucketSchema = z.object({
  channel: channelSchema,
  drugType: drugTypeSchema,
  claimCount: z.number().int(),
  reversalCount: z.number().int(),
  awp: moneySchema,
  ingredientCostPaid: moneySchema,
  dispensingFeePaid: moneySchema,
  /** 1 - ingredient cost / AWP over the bucket's net claims, 6 places; null when AWP is zero. */
  effectiveDiscount: rateSchema.nullable(),
});
export const claimsSummarySchema = z.object({
  clientId: clientIdSchema,
  from: isoDateSchema.nullable(),
  to: isoDateSchema.nullable(),
  buckets: z.array(claimsBucketSchema),
  totals: z.object({ claimCount: z.number().int(), awp: moneySchema, ingredientCostPaid: moneySchema }),
});
export type ClaimsSummary = z.infer<typeof claimsSummarySchema>;
