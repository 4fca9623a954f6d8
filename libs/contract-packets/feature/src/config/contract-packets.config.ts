import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/**
 * Where packets come from: a local folder (`<dir>/<clientId>/<file>`, the embedded default) or a
 * OneDrive / SharePoint drive through Microsoft Graph with an app registration's client secret
 * (from Key Vault through the CSI mount in AKS). The secret is validated for presence only and
 * never echoed.
 */
export const contractPacketsConfigSchema = platformConfigSchema
  .extend({
    LEAF_PACKETS_SOURCE: z.enum(['folder', 'graph']).default('folder'),
    LEAF_PACKETS_DIR: z.string().min(1).default('.data/packets'),
    LEAF_PACKETS_SYNC_ON_START: flag,
    LEAF_GRAPH_TENANT_ID: z.string().min(1).optional(),
    LEAF_GRAPH_CLIENT_ID: z.string().min(1).optional(),
    LEAF_GRAPH_CLIENT_SECRET: z.string().min(1).optional(),
    LEAF_GRAPH_DRIVE_ID: z.string().min(1).optional(),
    LEAF_GRAPH_PACKETS_FOLDER: z.string().min(1).default('Contract packets'),
    LEAF_GRAPH_BASE_URL: z.url().optional(),
    LEAF_GRAPH_AUTHORITY_HOST: z.url().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.LEAF_PACKETS_SOURCE !== 'graph') return;
    for (const key of ['LEAF_GRAPH_TENANT_ID', 'LEAF_GRAPH_CLIENT_ID', 'LEAF_GRAPH_CLIENT_SECRET', 'LEAF_GRAPH_DRIVE_ID'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LEAF_PACKETS_SOURCE=graph' });
    }
  });
export type ContractPacketsConfig = z.infer<typeof contractPacketsConfigSchema>;
