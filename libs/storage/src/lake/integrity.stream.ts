import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { isLakeError, LakeError } from '../errors/lake.error';
import { safeCause } from '../errors/safe-cause';

export interface ExpectedContent {
  readonly key: string;
  readonly sha256: string;
  /** Checked too when the store reports it. */
  readonly size?: number;
}

class IntegrityTransform extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly expected: ExpectedContent) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  // Runs before 'end' is emitted, so a consumer never sees a clean end of tampered bytes.
  override _flush(callback: TransformCallback): void {
    const actual = this.hash.digest('hex');
    const sizeMatches = this.expected.size === undefined || this.expected.size === this.bytes;
    if (actual !== this.expected.sha256 || !sizeMatches) {
      callback(new LakeError('LAKE_INTEGRITY', `stored bytes of ${this.expected.key} do not match their sha256`));
      return;
    }
    callback();
  }
}

/**
 * Wraps a store's raw read stream: the bytes pass through unchanged, the stream fails with
 * `LAKE_INTEGRITY` at the end if they do not hash to the key, and store errors are replaced by a
 * `LAKE_UNAVAILABLE` that carries no path or URL.
 */
export function integrityChecked(source: NodeJS.ReadableStream, expected: ExpectedContent): Readable {
  const checker = new IntegrityTransform(expected);
  source.on('error', (error: unknown) => {
    checker.destroy(isLakeError(error) ? error : new LakeError('LAKE_UNAVAILABLE', `reading ${expected.key} failed`, { cause: safeCause(error) }));
  });
  checker.on('close', () => {
    // A consumer that stops early must not leave a file descriptor or an HTTP response open.
    if (source instanceof Readable && !source.destroyed) source.destroy();
  });
  source.pipe(checker);
  return checker;
}

/** Hashes a whole read stream (for `verify`), with the same checks as `integrityChecked`. */
export async function drainChecked(source: NodeJS.ReadableStream, expected: ExpectedContent): Promise<number> {
  let size = 0;
  for await (const chunk of integrityChecked(source, expected)) size += (chunk as Buffer).length;
  return size;
}
