import { z } from 'zod';
import { isoDateSchema } from './money';

/** A plan sponsor: the client scope every row, document, task and artifact belongs to. */
export const clientIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'client id must be lowercase kebab-case');
export type ClientId = z.infer<typeof clientIdSchema>;

export const clientSchema = z.object({
  clientId: clientIdSchema,
  name: z.string().min(1).max(200),
  segment: z.enum(['employer', 'union', 'public-sector', 'health-plan']),
  memberCount: z.number().int().nonnegative(),
});
export type Client = z.infer<typeof clientSchema>;

export const contractPeriodSchema = z.object({
  periodId: z.string().min(1).max(64),
  clientId: clientIdSchema,
  pbmName: z.string().min(1).max(100),
  startDate: isoDateSchema,
  endDate: isoDateSchema,
});
export type ContractPeriod = z.infer<typeof contractPeriodSchema>;
