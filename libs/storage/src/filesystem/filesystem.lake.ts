import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@leaf/contracts';
import { createReadStream, type Dirent } from 'node:fs';
import { chmod, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import { isLakeError, LakeError } from '../errors/lake.error';
import { safeCause } from '../errors/safe-cause';
import { prepareContent } from '../lake/content.source';
import { spoolToFile } from '../lake/content.spool';
import { drainChecked, integrityChecked } from '../lake/integrity.stream';
import { contentKey, isLakeKey, parseKey, validateArea, validatePrefix, type ParsedKey } from '../lake/lake-key.validation';
import { DEFAULT_CONTENT_TYPE, type Lake, type LakeContent, type LakeObject, type LakePutOptions } from '../lake/lake.port';
import { resolvePutOptions, type ResolvedPutOptions } from '../lake/put-options.schema';

/** Beside each object, what a blob keeps in its properties: content type and caller metadata. */
const SIDECAR_SUFFIX = '.meta.json';
/** Spool and staging files live under the root so that publishing them is a same-filesystem link. */
const STAGING_DIR = '.tmp';
const READ_ONLY = 0o444;
const HASH_NAME = /^[0-9a-f]{64}$/;
/** Errors meaning "this filesystem has no hard links" (some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

const sidecarSchema = z.object({
  contentType: z.string(),
  metadata: z.record(z.string(), z.string()),
});

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Runs a filesystem call, turning its error (which names the path) into a path-free lake error. */
async function fsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isLakeError(error)) throw error;
    throw new LakeError('LAKE_UNAVAILABLE', `${what} failed`, { cause: safeCause(error) });
  }
}

/**
 * The embedded lake: one folder (`.data/lake` by default). Objects are written to a staging file,
 * flushed, made read-only and then hard-linked into place: `link` fails if the name exists, so an
 * object is published atomically and never replaced (a `rename` would silently overwrite).
 */
export class FilesystemLake implements Lake {
  private readonly root: string;
  private readonly staging: string;
  private stagingReady: Promise<unknown> | undefined;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.staging = join(this.root, STAGING_DIR);
  }

  async put(area: string, content: LakeContent, opts?: LakePutOptions): Promise<LakeObject> {
    const validArea = validateArea(area);
    const options = resolvePutOptions(opts);
    const prepared = prepareContent(content);
    await this.ensureStaging();
    const staged = this.stagingPath();
    try {
      let sha256: string;
      let size: number;
      if (prepared.kind === 'bytes') {
        sha256 = sha256Hex(prepared.bytes);
        size = prepared.bytes.length;
        const existing = await this.existing(contentKey(validArea, sha256), size);
        if (existing) return existing;
        await fsCall('staging content', () => writeFile(staged, prepared.bytes, { flag: 'wx', mode: 0o600, flush: true }));
      } else {
        ({ sha256, size } = await spoolToFile(prepared.source, staged));
        const existing = await this.existing(contentKey(validArea, sha256), size);
        if (existing) return existing;
      }
      return await this.publish(parseKey(contentKey(validArea, sha256)), staged, options);
    } finally {
      await rm(staged, { force: true }).catch(() => undefined);
    }
  }

  async open(key: string): Promise<Readable> {
    const parsed = parseKey(key);
    const object = await this.stat(parsed.key);
    if (!object) throw new LakeError('LAKE_NOT_FOUND', `no object ${parsed.key}`);
    return integrityChecked(createReadStream(this.pathOf(parsed)), object);
  }

  async read(key: string): Promise<Buffer> {
    return buffer(await this.open(key));
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    const parsed = parseKey(key);
    const file = this.pathOf(parsed);
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      size = info.size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new LakeError('LAKE_UNAVAILABLE', `reading ${parsed.key} failed`, { cause: safeCause(error) });
    }
    const sidecar = await this.readSidecar(parsed, file);
    return { key: parsed.key, sha256: parsed.sha256, size, ...sidecar };
  }

  async *list(prefix: string): AsyncIterable<LakeObject> {
    const validPrefix = validatePrefix(prefix);
    for await (const key of this.walk(this.root, '', validPrefix)) {
      const object = await this.stat(key);
      if (object) yield object;
    }
  }

  async verify(key: string): Promise<LakeObject> {
    const parsed = parseKey(key);
    const object = await this.stat(parsed.key);
    if (!object) throw new LakeError('LAKE_NOT_FOUND', `no object ${parsed.key}`);
    await drainChecked(createReadStream(this.pathOf(parsed)), object);
    return object;
  }

  /** An already stored object for `key`, checked against the size the caller is about to write. */
  private async existing(key: string, size: number): Promise<LakeObject | undefined> {
    const object = await this.stat(key);
    if (object && object.size !== size) {
      throw new LakeError('LAKE_INTEGRITY', `stored bytes of ${key} do not match their sha256`);
    }
    return object;
  }

  private async publish(parsed: ParsedKey, staged: string, options: ResolvedPutOptions): Promise<LakeObject> {
    const file = this.pathOf(parsed);
    await fsCall('creating the object directory', () => mkdir(dirname(file), { recursive: true }));
    // The sidecar goes first: once the object is visible, its content type is too. The first writer's wins.
    const sidecar = this.stagingPath();
    try {
      const body = JSON.stringify({ contentType: options.contentType, metadata: options.metadata });
      await fsCall('staging object metadata', () => writeFile(sidecar, body, { flag: 'wx', mode: READ_ONLY, flush: true }));
      await this.linkIfAbsent(sidecar, file + SIDECAR_SUFFIX);
    } finally {
      await rm(sidecar, { force: true }).catch(() => undefined);
    }
    await fsCall('sealing staged content', () => chmod(staged, READ_ONLY));
    const created = await this.linkIfAbsent(staged, file);
    if (!created) {
      // Someone published these bytes first (a concurrent put): make sure what is there really is them.
      await this.verify(parsed.key);
    }
    const object = await this.stat(parsed.key);
    if (!object) throw new LakeError('LAKE_UNAVAILABLE', `${parsed.key} vanished after it was written`);
    return object;
  }

  /** Publishes `from` at `to` unless `to` exists; false when it already did. */
  private async linkIfAbsent(from: string, to: string): Promise<boolean> {
    try {
      await link(from, to);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') return false;
      if (!NO_HARD_LINKS.has(errnoCode(error) ?? '')) {
        throw new LakeError('LAKE_UNAVAILABLE', 'publishing an object failed', { cause: safeCause(error) });
      }
    }
    // Without hard links, fall back to rename after an existence check. Content addressing makes the
    // remaining race harmless: a concurrent writer of the same name writes the same bytes.
    const exists = await stat(to).then(
      () => true,
      (error: unknown) => (isMissing(error) ? false : Promise.reject(error)),
    );
    if (exists) return false;
    await fsCall('publishing an object', () => rename(from, to));
    return true;
  }

  private async readSidecar(parsed: ParsedKey, file: string): Promise<Pick<LakeObject, 'contentType' | 'metadata'>> {
    let text: string;
    try {
      text = await readFile(file + SIDECAR_SUFFIX, 'utf8');
    } catch (error) {
      if (isMissing(error)) return { contentType: DEFAULT_CONTENT_TYPE, metadata: {} };
      throw new LakeError('LAKE_UNAVAILABLE', `reading metadata of ${parsed.key} failed`, { cause: safeCause(error) });
    }
    try {
      return sidecarSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new LakeError('LAKE_INTEGRITY', `metadata of ${parsed.key} is corrupt`, { cause: safeCause(error) });
    }
  }

  /**
   * Yields keys under `dir` in key order. Directories sort as `name/` so that `a-b/...` comes before
   * `a/...` exactly as the key strings do; subtrees that cannot contain `prefix` are skipped.
   */
  private async *walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw new LakeError('LAKE_UNAVAILABLE', 'listing the lake failed', { cause: safeCause(error) });
    }
    const items = entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || HASH_NAME.test(entry.name)))
      .map((entry) => ({ entry, sortKey: `${keyPrefix}${entry.name}${entry.isDirectory() ? '/' : ''}` }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry, sortKey } of items) {
      if (entry.isDirectory()) {
        if (sortKey.startsWith(prefix) || prefix.startsWith(sortKey)) {
          yield* this.walk(join(dir, entry.name), sortKey, prefix);
        }
      } else if (sortKey.startsWith(prefix) && isLakeKey(sortKey)) {
        yield sortKey;
      }
    }
  }

  private pathOf(parsed: ParsedKey): string {
    const file = join(this.root, ...parsed.segments);
    // The key grammar already rules traversal out; this is the belt to its braces.
    if (!file.startsWith(this.root + sep)) throw new LakeError('LAKE_INVALID_KEY', 'key escapes the lake');
    return file;
  }

  private stagingPath(): string {
    return join(this.staging, `${randomUUID()}.part`);
  }

  private ensureStaging(): Promise<unknown> {
    this.stagingReady ??= fsCall('preparing the lake folder', () => mkdir(this.staging, { recursive: true })).catch((error: unknown) => {
      this.stagingReady = undefined;
      throw error;
    });
    return this.stagingReady;
  }
}
