import type { Readable } from 'node:stream';

/** What the lake says about a stored object. Never carries a local path or a storage URL. */
export interface LakeObject {
  /** `<area>/sha256/<first 2 hex>/<sha256>` */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  /** Caller metadata given to the first `put` of these bytes (the `sha256` entry is the lake's own). */
  readonly metadata: Readonly<Record<string, string>>;
}

export type LakeContent = Buffer | Uint8Array | string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

export interface LakePutOptions {
  /** Defaults to `application/octet-stream`. */
  contentType?: string;
  /** Lowercase identifier keys, printable ASCII values (Azure blob metadata rules, so both adapters agree). */
  metadata?: Record<string, string>;
}

/**
 * The lake port: content-addressed, immutable objects (bronze/silver data, artifacts, snapshots).
 * ADLS Gen2 through its blob endpoint in production, a folder in the embedded stack.
 */
export interface Lake {
  /**
   * Stores `content` under `<area>/sha256/<xx>/<sha256>`. Writing bytes that are already stored is a
   * no-op returning the stored object (its content type and metadata win); nothing is overwritten and a
   * partial object is never visible.
   */
  put(area: string, content: LakeContent, opts?: LakePutOptions): Promise<LakeObject>;
  /** Streams the object; the stream fails with `LAKE_INTEGRITY` before ending if the bytes do not hash to the key. */
  open(key: string): Promise<Readable>;
  read(key: string): Promise<Buffer>;
  /** `undefined` when the key is valid but nothing is stored under it. */
  stat(key: string): Promise<LakeObject | undefined>;
  /** Objects whose key starts with `prefix` (a plain string prefix, `''` for all), in key order. */
  list(prefix: string): AsyncIterable<LakeObject>;
  /** Re-hashes the stored bytes; resolves with the object when they match its key, else `LAKE_INTEGRITY`. */
  verify(key: string): Promise<LakeObject>;
}

/** NestJS injection token for the `Lake` port (`@Inject(LAKE) lake: Lake`). */
export const LAKE = Symbol.for('leaf.storage.Lake');

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
