import { z } from 'zod';
import { LakeError } from '../errors/lake.error';
import { CONTAINER_NAME } from '../blob/blob.factory';

const filesystemLakeConfig = z.object({
  kind: z.literal('filesystem'),
  root: z.string().min(1, 'root must name a folder'),
});

const accountUrl = z
  .url({ protocol: /^https?$/, error: 'accountUrl must be an http(s) URL' })
  // A SAS token in the URL would be a secret in config and logs; production authenticates with a credential.
  .refine(
    (value) => !value.includes('?') && !value.includes('#') && !/\/\/[^/]*@/.test(value),
    'accountUrl must not carry a query, fragment or user info (use a credential, not a SAS URL)',
  );

const azureBlobLakeConfig = z
  .object({
    kind: z.literal('azure-blob'),
    connectionString: z.string().min(1).optional(),
    accountUrl: accountUrl.optional(),
    container: z.string().regex(CONTAINER_NAME, 'container must be 3-63 lowercase letters, digits or single hyphens'),
  })
  .refine((config) => (config.connectionString === undefined) !== (config.accountUrl === undefined), {
    message: 'exactly one of connectionString or accountUrl is required',
    path: ['connectionString'],
  });

export const lakeConfigSchema = z.discriminatedUnion('kind', [filesystemLakeConfig, azureBlobLakeConfig]);

export type LakeConfig = z.infer<typeof lakeConfigSchema>;
export type FilesystemLakeConfig = z.infer<typeof filesystemLakeConfig>;
export type AzureBlobLakeConfig = z.infer<typeof azureBlobLakeConfig>;

/** Validates lake config; the error names the offending fields, never their values (they may be secrets). */
export function parseLakeConfig(input: unknown): LakeConfig {
  const parsed = lakeConfigSchema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'lake'}: ${issue.message}`).join('; ');
    throw new LakeError('LAKE_CONFIG_INVALID', `invalid lake config: ${detail}`);
  }
  return parsed.data;
}
