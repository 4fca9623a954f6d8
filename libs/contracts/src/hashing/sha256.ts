import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/** A SHA-256 digest as it is stored and sent everywhere: 64 lower-case hex characters. */
export const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'must be a SHA-256 digest (64 lower-case hex characters)');
export type Sha256 = z.infer<typeof sha256Schema>;

/** The SHA-256 of some bytes (a string is hashed as UTF-8), lower-case hex. */
export const sha256Hex = (data: string | Uint8Array): Sha256 => createHash('sha256').update(data).digest('hex');

/** The SHA-256 of a value's canonical JSON: key order does not change what a JSON value means, so it does not change this. */
export const canonicalSha256 = (value: unknown): Sha256 => sha256Hex(canonicalJson(value));
