import {
  canonicalClaimsMapping,
  claimsSourceMappingSchema,
} from '@leaf/claims-runtime/data-access';
import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/**
 * claims-runtime's own settings. The claims authority is the service database unless
 * `LEAF_CLAIMS_SOURCE_URL` names another (production: the SQL Server claims database, through a
 * read-only login); `LEAF_CLAIMS_SOURCE_MAPPING` is the JSON mapping of its table and columns.
 */
export const claimsRuntimeConfigSchema = platformConfigSchema.extend({
  LEAF_CLAIMS_SOURCE_URL: z.string().min(1).optional(),
  LEAF_CLAIMS_SOURCE_MAPPING: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return canonicalClaimsMapping;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
      const parsed = claimsSourceMappingSchema.safeParse(json);
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: parsed.error.issues
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; '),
        });
        return z.NEVER;
      }
      return parsed.data;
    }),
});
export type ClaimsRuntimeConfig = z.infer<typeof claimsRuntimeConfigSchema>;
