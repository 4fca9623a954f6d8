import { z } from 'zod';
import { LakeError } from '../errors/lake.error';
import { DEFAULT_CONTENT_TYPE, type LakePutOptions } from './lake.port';

/** The metadata entry the lake writes itself; a caller may not set it. */
export const SHA256_METADATA_KEY = 'sha256';

const TOKEN = '[A-Za-z0-9!#$&^_.+-]+';
const CONTENT_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\]*"))*$`);

/*
 * Blob metadata travels as `x-ms-meta-<key>` headers: keys must be identifiers, come back
 * lowercased, and values lose surrounding whitespace. Restricting both adapters to what survives
 * that trip keeps the filesystem lake from accepting metadata production would mangle.
 */
const metadataSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,63}$/, 'metadata keys must be lowercase identifiers of at most 64 characters')
      .refine((key) => key !== SHA256_METADATA_KEY, `metadata key '${SHA256_METADATA_KEY}' is reserved`),
    z
      .string()
      .max(1024, 'metadata values must be at most 1024 characters')
      .regex(/^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/, 'metadata values must be printable ASCII without surrounding spaces'),
  )
  .refine((metadata) => Object.keys(metadata).length <= 32, 'at most 32 metadata entries');

const putOptionsSchema = z
  .object({
    contentType: z.string().max(255).regex(CONTENT_TYPE, 'contentType must be a media type such as text/csv').optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();

export interface ResolvedPutOptions {
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export function resolvePutOptions(opts: LakePutOptions | undefined): ResolvedPutOptions {
  const parsed = putOptionsSchema.safeParse(opts ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ');
    throw new LakeError('LAKE_INVALID_INPUT', `invalid put options: ${detail}`);
  }
  return { contentType: parsed.data.contentType ?? DEFAULT_CONTENT_TYPE, metadata: { ...(parsed.data.metadata ?? {}) } };
}
