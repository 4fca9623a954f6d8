import { flagSetting, platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/**
 * Where packets come from: a local folder (`<dir>/<clientId>/<file>`, the embedded default) or a
 * OneDrive / SharePoint drive through Microsoft Graph with an app registration's client secret
 * (from Key Vault through the CSI mount in AKS). The secret is validated for presence only and
 * never echoed.
 */
export const contractPacketsConfigSchema = platformConfigSchema
  .extend({
    LEAF_PACKETS_SOURCE: z
      .enum(['folder', 'graph'])
      .default('folder')
      .describe('Where packets come from: folder (LEAF_PACKETS_DIR) or graph (OneDrive / SharePoint).'),
    LEAF_PACKETS_DIR: z
      .string()
      .min(1)
      .default('.data/packets')
      .describe('Packet folder, <dir>/<clientId>/<file>; the local stack uses <LEAF_DATA_DIR>/packets.'),
    LEAF_PACKETS_SYNC_ON_START: flagSetting(false).describe('true: sync packets from the source once at start.'),
    LEAF_GRAPH_TENANT_ID: z.string().min(1).optional().describe('Entra tenant of the Graph app registration (required when LEAF_PACKETS_SOURCE=graph).'),
    LEAF_GRAPH_CLIENT_ID: z.string().min(1).optional().describe('Client id of the Graph app registration (required with graph).'),
    LEAF_GRAPH_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .describe('Its client secret, from Key Vault through the CSI mount (required with graph; never echoed).'),
    LEAF_GRAPH_DRIVE_ID: z.string().min(1).optional().describe('OneDrive / SharePoint drive holding the packets (required with graph).'),
    LEAF_GRAPH_PACKETS_FOLDER: z.string().min(1).default('Contract packets').describe('Folder in that drive with one subfolder per client.'),
    LEAF_GRAPH_BASE_URL: z.url().optional().describe('Microsoft Graph base URL; unset: the public Graph endpoint.'),
    LEAF_GRAPH_AUTHORITY_HOST: z.url().optional().describe('Entra authority host for the token; unset: the public cloud.'),
  })
  .superRefine((c, ctx) => {
    if (c.LEAF_PACKETS_SOURCE !== 'graph') return;
    for (const key of ['LEAF_GRAPH_TENANT_ID', 'LEAF_GRAPH_CLIENT_ID', 'LEAF_GRAPH_CLIENT_SECRET', 'LEAF_GRAPH_DRIVE_ID'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when LEAF_PACKETS_SOURCE=graph' });
    }
  });
export type ContractPacketsConfig = z.infer<typeof contractPacketsConfigSchema>;
