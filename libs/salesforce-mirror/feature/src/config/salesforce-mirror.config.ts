import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/**
 * The Salesforce org the mirror reads (a connected app with the client-credentials flow; its
 * secret from Key Vault through the CSI mount). Without a login URL the service serves what it
 * has mirrored and refuses to sync.
 */
export const salesforceMirrorConfigSchema = platformConfigSchema
  .extend({
    LEAF_SALESFORCE_LOGIN_URL: z
      .url()
      .optional()
      .describe('Salesforce login host (My Domain) for the client-credentials token; unset: no source, syncing is refused.'),
    LEAF_SALESFORCE_CLIENT_ID: z.string().min(1).optional().describe('Consumer key of the connected app (required with LEAF_SALESFORCE_LOGIN_URL).'),
    LEAF_SALESFORCE_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .describe('Consumer secret of the connected app, from Key Vault (required with LEAF_SALESFORCE_LOGIN_URL; never echoed).'),
    LEAF_SALESFORCE_API_VERSION: z
      .string()
      .regex(/^\d{2}\.0$/)
      .default('62.0')
      .describe('Salesforce REST API version.'),
    LEAF_SALESFORCE_OVERLAP_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(5 * 60_000)
      .describe('Incremental syncs re-read this much before the watermark (late commits carry older SystemModstamps).'),
    LEAF_SALESFORCE_DELETE_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30)
      .default(15)
      .describe('How long the org keeps deleted records for getDeleted; an older window triggers a full resync.'),
    LEAF_SALESFORCE_BULK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000).describe('Polling interval of Bulk API 2.0 query jobs.'),
    LEAF_SALESFORCE_LIMIT_BACKOFF_MS: z.coerce
      .number()
      .int()
      .min(1)
      .max(600_000)
      .default(30_000)
      .describe('First wait after REQUEST_LIMIT_EXCEEDED (doubled on each retry, five retries).'),
    LEAF_SALESFORCE_SYNC_ON_START: flag.describe('true: sync the org once at start (the local stack does).'),
  })
  .superRefine((c, ctx) => {
    if (!c.LEAF_SALESFORCE_LOGIN_URL) return;
    for (const key of ['LEAF_SALESFORCE_CLIENT_ID', 'LEAF_SALESFORCE_CLIENT_SECRET'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LEAF_SALESFORCE_LOGIN_URL is set' });
    }
  });
export type SalesforceMirrorConfig = z.infer<typeof salesforceMirrorConfigSchema>;
