import { flagSetting, platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/**
 * Where Domo exports come from: a folder of exports (`<id>.json` metadata beside `<id>.csv`, the
 * embedded default and what is left once Domo is switched off) or the Domo Platform API with a
 * client-credentials app (its secret from Key Vault through the CSI mount; presence-checked only,
 * never echoed).
 */
export const domoTakeoverConfigSchema = platformConfigSchema
  .extend({
    LEAF_DOMO_SOURCE: z
      .enum(['folder', 'api'])
      .default('folder')
      .describe('Where Domo exports come from: folder (LEAF_DOMO_DIR) or api (the Domo Platform API).'),
    LEAF_DOMO_DIR: z
      .string()
      .min(1)
      .default('.data/domo')
      .describe('Folder of Domo exports (<id>.json metadata beside <id>.csv) with LEAF_DOMO_SOURCE=folder.'),
    LEAF_DOMO_INGEST_ON_START: flagSetting(false).describe(
      'true: ingest every declared dataset from the source once at start (skipped for exports already ingested).',
    ),
    LEAF_DOMO_COMPARE_ON_START: flagSetting(false).describe(
      'true (with LEAF_DOMO_INGEST_ON_START): then run a golden comparison of the promoted output, unless that export was compared already.',
    ),
    LEAF_DOMO_SYNTHETIC_SEED: z.coerce
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .optional()
      .describe(
        "Embedded only: with a folder source that holds no exports, write synthetic Domo exports generated from the claims of this seed first (use the stack's LEAF_SEED).",
      ),
    LEAF_DOMO_SYNTHETIC_CLAIMS: z.coerce
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .default(200_000)
      .describe("Claims of that seed (use the stack's LEAF_SEED_CLAIMS)."),
    LEAF_DOMO_API_BASE_URL: z.url().default('https://api.domo.com').describe('Domo Platform API base URL (with LEAF_DOMO_SOURCE=api).'),
    LEAF_DOMO_CLIENT_ID: z.string().min(1).optional().describe('Client id of the Domo client-credentials app (required with api).'),
    LEAF_DOMO_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .describe('Its client secret, from Key Vault through the CSI mount (required with api; never echoed).'),
    LEAF_DOMO_PUBLICATION: z
      .enum(['none', 'postgres', 'azure-sql'])
      .default('none')
      .describe(
        "Where each comparison's curated model is published for SQL readers: none, postgres (the dedicated_domo_takeover schema of the service's database) or azure-sql.",
      ),
    LEAF_DOMO_AZURE_SQL_CONNECTION_STRING: z
      .string()
      .min(1)
      .optional()
      .describe('Azure SQL connection string for the publication, from Key Vault through the CSI mount (required with azure-sql; never echoed).'),
  })
  .superRefine((c, ctx) => {
    if (c.LEAF_DOMO_PUBLICATION === 'azure-sql' && !c.LEAF_DOMO_AZURE_SQL_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['LEAF_DOMO_AZURE_SQL_CONNECTION_STRING'], message: 'is required when LEAF_DOMO_PUBLICATION=azure-sql' });
    }
    if (c.LEAF_DOMO_SOURCE !== 'api') return;
    for (const key of ['LEAF_DOMO_CLIENT_ID', 'LEAF_DOMO_CLIENT_SECRET'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LEAF_DOMO_SOURCE=api' });
    }
  });
export type DomoTakeoverConfig = z.infer<typeof domoTakeoverConfigSchema>;
