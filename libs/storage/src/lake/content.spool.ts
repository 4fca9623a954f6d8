import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isLakeError, LakeError } from '../errors/lake.error';
import { safeCause } from '../errors/safe-cause';
import { chunkToBuffer, type StreamSource } from './content.source';

export interface SpooledContent {
  readonly sha256: string;
  readonly size: number;
}

/** Hashes and counts the bytes flowing through it. */
export class HashingTransform extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor() {
    // Object mode on the writable side so a bad chunk reaches `_transform` and becomes a typed error.
    super({ writableObjectMode: true });
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const buffer = chunkToBuffer(chunk);
      this.hash.update(buffer);
      this.bytes += buffer.length;
      callback(null, buffer);
    } catch (error) {
      callback(error as Error);
    }
  }

  get size(): number {
    return this.bytes;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Copies a stream into `filePath` (which must not exist) while hashing it, so content of any size
 * is keyed without holding it in memory. The file is flushed to disk before this resolves.
 * A failing source rejects with the source's own error; a failing disk with `LAKE_UNAVAILABLE`.
 */
export async function spoolToFile(source: StreamSource, filePath: string): Promise<SpooledContent> {
  const hasher = new HashingTransform();
  // pipeline() hands one error to every stage, so remember which failures came from the caller's source.
  let sourceError: { error: unknown } | undefined;
  async function* tracked(): AsyncGenerator<unknown> {
    try {
      yield* source as AsyncIterable<unknown>;
    } catch (error) {
      sourceError = { error };
      throw error;
    }
  }
  try {
    await pipeline(tracked(), hasher, createWriteStream(filePath, { flags: 'wx', mode: 0o600, flush: true }));
  } catch (error) {
    if (isLakeError(error) || (sourceError && sourceError.error === error)) throw error;
    throw new LakeError('LAKE_UNAVAILABLE', 'spooling content to local storage failed', { cause: safeCause(error) });
  }
  return { sha256: hasher.digest(), size: hasher.size };
}
