import { LakeError } from '../errors/lake.error';

/*
 * Everything a caller passes as an area, key or prefix is checked here, as a string, before any
 * adapter builds a path or a blob name from it. The grammar is small on purpose: lowercase
 * `[a-z0-9._-]` segments, so there is nothing to decode (`%2e%2e`), no separator but `/`, no case
 * folding differences between filesystems and blob names.
 */

const SEGMENT = /^[a-z0-9._-]+$/;
const HASH = /^[0-9a-f]{64}$/;
const MAX_AREA_LENGTH = 256;
const HASH_DIR = 'sha256';

export interface ParsedKey {
  readonly key: string;
  readonly area: string;
  readonly sha256: string;
  /** The key's `/`-separated segments, for adapters that map them to directories. */
  readonly segments: readonly string[];
}

function checkSegment(segment: string, what: string): void {
  if (!SEGMENT.test(segment)) {
    throw new LakeError('LAKE_INVALID_KEY', `${what} segments must be lowercase [a-z0-9._-]`);
  }
  // `.` and `..` would walk the tree; a leading dot is reserved for the adapter's own spool files.
  if (segment.startsWith('.')) {
    throw new LakeError('LAKE_INVALID_KEY', `${what} segments must not start with '.'`);
  }
}

/** Validates an area such as `bronze/claims` and returns it unchanged. */
export function validateArea(area: unknown): string {
  if (typeof area !== 'string' || area.length === 0) {
    throw new LakeError('LAKE_INVALID_KEY', 'area must be a non-empty string');
  }
  if (area.length > MAX_AREA_LENGTH) {
    throw new LakeError('LAKE_INVALID_KEY', `area must be at most ${MAX_AREA_LENGTH} characters`);
  }
  if (area.startsWith('/') || area.endsWith('/')) {
    throw new LakeError('LAKE_INVALID_KEY', "area must not start or end with '/'");
  }
  for (const segment of area.split('/')) {
    checkSegment(segment, 'area');
    // An area segment named like the hash directory would make one key a prefix-directory of another.
    if (segment === HASH_DIR) {
      throw new LakeError('LAKE_INVALID_KEY', `area segments must not be '${HASH_DIR}'`);
    }
  }
  return area;
}

export function contentKey(area: string, sha256: string): string {
  return `${area}/${HASH_DIR}/${sha256.slice(0, 2)}/${sha256}`;
}

/** Parses `<area>/sha256/<xx>/<sha256>`; anything else is `LAKE_INVALID_KEY`. */
export function parseKey(key: unknown): ParsedKey {
  if (typeof key !== 'string' || key.length === 0) {
    throw new LakeError('LAKE_INVALID_KEY', 'key must be a non-empty string');
  }
  const segments = key.split('/');
  if (segments.length < 4) {
    throw new LakeError('LAKE_INVALID_KEY', 'key must look like <area>/sha256/<xx>/<sha256>');
  }
  const [hashDir, fanOut, sha256] = segments.slice(-3) as [string, string, string];
  const area = segments.slice(0, -3).join('/');
  validateArea(area);
  if (hashDir !== HASH_DIR || !HASH.test(sha256) || fanOut !== sha256.slice(0, 2)) {
    throw new LakeError('LAKE_INVALID_KEY', 'key must look like <area>/sha256/<xx>/<sha256>');
  }
  return { key, area, sha256, segments };
}

/** True when `key` is a well-formed lake key (used to skip foreign files and blobs when listing). */
export function isLakeKey(key: string): boolean {
  try {
    parseKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * A listing prefix is any leading part of a key: `''`, `bronze/`, `bronze/cl`, `bronze/sha256/ab`.
 * It follows the key grammar so it can never name something outside the lake.
 */
export function validatePrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') {
    throw new LakeError('LAKE_INVALID_KEY', 'prefix must be a string');
  }
  if (prefix === '') return prefix;
  if (prefix.length > MAX_AREA_LENGTH + 80) {
    throw new LakeError('LAKE_INVALID_KEY', 'prefix is too long');
  }
  if (prefix.startsWith('/')) {
    throw new LakeError('LAKE_INVALID_KEY', "prefix must not start with '/'");
  }
  const segments = prefix.split('/');
  // A trailing '/' leaves an empty last segment, which is fine; an empty one elsewhere ('//') is not.
  const complete = segments.slice(0, -1);
  const last = segments[segments.length - 1] as string;
  for (const segment of complete) checkSegment(segment, 'prefix');
  if (last !== '') checkSegment(last, 'prefix');
  return prefix;
}
