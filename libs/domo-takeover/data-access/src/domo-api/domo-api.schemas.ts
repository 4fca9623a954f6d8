import { domoColumnSchema } from '@leaf/domo-takeover/domain';
import { z } from 'zod';

/** `GET /oauth/token?grant_type=client_credentials&scope=data` */
export const domoTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});

/** One entry of `GET /v1/datasets` (no schema in the list). */
export const domoDatasetSummarySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  rows: z.number().int().nonnegative(),
  columns: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dataCurrentAt: z.string().optional(),
});
export type DomoDatasetSummary = z.infer<typeof domoDatasetSummarySchema>;

/** `GET /v1/datasets/{id}`: the summary plus the column schema. */
export const domoDatasetMetadataSchema = domoDatasetSummarySchema.extend({
  description: z.string().optional(),
  schema: z.object({ columns: z.array(domoColumnSchema) }),
});
export type DomoDatasetMetadata = z.infer<typeof domoDatasetMetadataSchema>;
