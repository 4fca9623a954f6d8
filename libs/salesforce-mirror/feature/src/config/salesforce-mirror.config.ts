import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/**
 * The Salesforce org the mirror reads: a connected app with the client-credentials flow (its
 * secret from Key Vault) or the JWT bearer flow (an integration user and the app's private key,
 * from Key Vault as a value or a mounted file). Without a login URL the service serves what it
 * has mirrored and refuses to sync.
 */
export const salesforceMirrorConfigSchema = platformConfigSchema
  .extend({
    LEAF_SALESFORCE_LOGIN_URL: z
      .url()
      .optional()
      .describe('Salesforce login host (My Domain) for the client-credentials token; unset: no source, syncing is refused.'),
    LEAF_SALESFORCE_CLIENT_ID: z.string().min(1).optional().describe('Consumer key of the connected app (required with LEAF_SALESFORCE_LOGIN_URL).'),
    LEAF_SALESFORCE_AUTH_FLOW: z
      .enum(['client-credentials', 'jwt-bearer'])
      .default('client-credentials')
      .describe("OAuth flow: client-credentials (consumer secret) or jwt-bearer (assertion signed RS256 with the connected app's private key)."),
    LEAF_SALESFORCE_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .describe('Consumer secret of the connected app, from Key Vault (required for the client-credentials flow; never echoed).'),
    LEAF_SALESFORCE_USERNAME: z
      .string()
      .min(1)
      .max(80)
      .optional()
      .describe('jwt-bearer: the integration user the assertion names (sub), pre-authorized for the connected app.'),
    LEAF_SALESFORCE_PRIVATE_KEY: z
      .string()
      .min(1)
      .optional()
      .describe("jwt-bearer: the connected app's RSA private key (PEM) from Key Vault; never echoed. Or LEAF_SALESFORCE_PRIVATE_KEY_FILE."),
    LEAF_SALESFORCE_PRIVATE_KEY_FILE: z.string().min(1).optional().describe('jwt-bearer: a file holding that key (the Key Vault CSI mount), read at start.'),
    LEAF_SALESFORCE_JWT_AUDIENCE: z
      .url()
      .optional()
      .describe(
        "jwt-bearer: the assertion's aud when it differs from the login URL (https://login.salesforce.com or https://test.salesforce.com with a My Domain login URL).",
      ),
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
    const required = (key: keyof typeof c, why: string) => {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required ${why}` });
    };
    required('LEAF_SALESFORCE_CLIENT_ID', 'when LEAF_SALESFORCE_LOGIN_URL is set');
    if (c.LEAF_SALESFORCE_AUTH_FLOW === 'client-credentials') {
      required('LEAF_SALESFORCE_CLIENT_SECRET', 'for the client-credentials flow (LEAF_SALESFORCE_AUTH_FLOW)');
      return;
    }
    required('LEAF_SALESFORCE_USERNAME', 'for the jwt-bearer flow');
    if (Boolean(c.LEAF_SALESFORCE_PRIVATE_KEY) === Boolean(c.LEAF_SALESFORCE_PRIVATE_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['LEAF_SALESFORCE_AUTH_FLOW'],
        message: 'jwt-bearer needs exactly one of LEAF_SALESFORCE_PRIVATE_KEY or LEAF_SALESFORCE_PRIVATE_KEY_FILE',
      });
    }
  });
export type SalesforceMirrorConfig = z.infer<typeof salesforceMirrorConfigSchema>;
