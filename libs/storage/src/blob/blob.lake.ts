import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@leaf/contracts';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { BlockBlobClient, BlockBlobParallelUploadOptions, ContainerClient } from '@azure/storage-blob';
import { isLakeError, LakeError } from '../errors/lake.error';
import { prepareContent } from '../lake/content.source';
import { spoolToFile } from '../lake/content.spool';
import { drainChecked, integrityChecked } from '../lake/integrity.stream';
import { contentKey, isLakeKey, parseKey, validateArea, validatePrefix, type ParsedKey } from '../lake/lake-key.validation';
import { DEFAULT_CONTENT_TYPE, type Lake, type LakeContent, type LakeObject, type LakePutOptions } from '../lake/lake.port';
import { resolvePutOptions, SHA256_METADATA_KEY, type ResolvedPutOptions } from '../lake/put-options.schema';
import { statusOf, unavailable } from './blob-error.mapper';

export interface BlobLakeOptions {
  readonly containerClient: ContainerClient;
  /** Where streamed content is spooled while it is hashed (the key needs the hash before upload). Defaults to the OS temp dir. */
  readonly spoolDir?: string;
  /** Block size for staged uploads, and the largest single-shot upload. Defaults to 4 MiB. */
  readonly blockSize?: number;
  /** Blocks uploaded in parallel. Defaults to 4. */
  readonly concurrency?: number;
}

/**
 * Statuses a conditional upload fails with when another writer got there first: 409 BlobAlreadyExists,
 * 412 ConditionNotMet, and 400 InvalidBlockList when the winner's commit discarded our staged blocks.
 */
const LOST_RACE = new Set([400, 409, 412]);

function splitMetadata(raw: Record<string, string> | undefined): { sha256?: string; metadata: Record<string, string> } {
  const { [SHA256_METADATA_KEY]: sha256, ...metadata } = raw ?? {};
  return { sha256, metadata };
}

/**
 * The production lake: a blob container (ADLS Gen2 accounts through their blob endpoint, which
 * works with hierarchical namespaces). Each blob carries its sha256 in metadata and its content
 * type in properties; uploads are conditional on `If-None-Match: *`, so nothing is overwritten.
 */
export class BlobLake implements Lake {
  private readonly container: ContainerClient;
  private readonly spoolDir: string;
  private readonly blockSize: number;
  private readonly concurrency: number;

  constructor(options: BlobLakeOptions) {
    this.container = options.containerClient;
    this.spoolDir = options.spoolDir ?? tmpdir();
    this.blockSize = options.blockSize ?? 4 * 1024 * 1024;
    this.concurrency = options.concurrency ?? 4;
  }

  async put(area: string, content: LakeContent, opts?: LakePutOptions): Promise<LakeObject> {
    const validArea = validateArea(area);
    const options = resolvePutOptions(opts);
    const prepared = prepareContent(content);
    if (prepared.kind === 'bytes') {
      const sha256 = sha256Hex(prepared.bytes);
      const parsed = parseKey(contentKey(validArea, sha256));
      const existing = await this.existing(parsed, prepared.bytes.length);
      if (existing) return existing;
      return this.upload(parsed, prepared.bytes.length, options, (client, uploadOptions) => client.uploadData(prepared.bytes, uploadOptions));
    }
    const spooled = join(this.spoolDir, `leaf-lake-${randomUUID()}.part`);
    try {
      const { sha256, size } = await spoolToFile(prepared.source, spooled);
      const parsed = parseKey(contentKey(validArea, sha256));
      const existing = await this.existing(parsed, size);
      if (existing) return existing;
      return await this.upload(parsed, size, options, (client, uploadOptions) => client.uploadFile(spooled, uploadOptions));
    } finally {
      await rm(spooled, { force: true }).catch(() => undefined);
    }
  }

  async open(key: string): Promise<Readable> {
    const parsed = parseKey(key);
    let response;
    try {
      response = await this.blob(parsed).download(0);
    } catch (error) {
      if (statusOf(error) === 404) throw new LakeError('LAKE_NOT_FOUND', `no object ${parsed.key}`);
      throw unavailable(`reading ${parsed.key}`, error);
    }
    const body = response.readableStreamBody;
    if (!body) throw new LakeError('LAKE_UNAVAILABLE', `reading ${parsed.key} returned no body`);
    return integrityChecked(body, { key: parsed.key, sha256: parsed.sha256, size: response.contentLength });
  }

  async read(key: string): Promise<Buffer> {
    return buffer(await this.open(key));
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    const parsed = parseKey(key);
    return (await this.properties(parsed))?.object;
  }

  async *list(prefix: string): AsyncIterable<LakeObject> {
    const validPrefix = validatePrefix(prefix);
    const pages = this.container.listBlobsFlat({ prefix: validPrefix === '' ? undefined : validPrefix, includeMetadata: true });
    try {
      // Blob listings come back in name order, which is key order.
      for await (const item of pages) {
        if (!isLakeKey(item.name)) continue;
        const parsed = parseKey(item.name);
        yield {
          key: parsed.key,
          sha256: parsed.sha256,
          size: item.properties.contentLength ?? 0,
          contentType: item.properties.contentType ?? DEFAULT_CONTENT_TYPE,
          metadata: splitMetadata(item.metadata).metadata,
        };
      }
    } catch (error) {
      if (isLakeError(error)) throw error;
      throw unavailable('listing the lake', error);
    }
  }

  async verify(key: string): Promise<LakeObject> {
    const parsed = parseKey(key);
    const found = await this.properties(parsed);
    if (!found) throw new LakeError('LAKE_NOT_FOUND', `no object ${parsed.key}`);
    if (found.recordedSha256 !== parsed.sha256) {
      throw new LakeError('LAKE_INTEGRITY', `recorded sha256 of ${parsed.key} does not match its key`);
    }
    await drainChecked(await this.open(parsed.key), found.object);
    return found.object;
  }

  private blob(parsed: ParsedKey): BlockBlobClient {
    return this.container.getBlockBlobClient(parsed.key);
  }

  private async properties(parsed: ParsedKey): Promise<{ object: LakeObject; recordedSha256?: string } | undefined> {
    let props;
    try {
      props = await this.blob(parsed).getProperties();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw unavailable(`reading ${parsed.key}`, error);
    }
    const { sha256: recordedSha256, metadata } = splitMetadata(props.metadata);
    return {
      recordedSha256,
      object: {
        key: parsed.key,
        sha256: parsed.sha256,
        size: props.contentLength ?? 0,
        contentType: props.contentType ?? DEFAULT_CONTENT_TYPE,
        metadata,
      },
    };
  }

  private async existing(parsed: ParsedKey, size: number): Promise<LakeObject | undefined> {
    const object = await this.stat(parsed.key);
    if (object && object.size !== size) {
      throw new LakeError('LAKE_INTEGRITY', `stored bytes of ${parsed.key} do not match their sha256`);
    }
    return object;
  }

  private async upload(
    parsed: ParsedKey,
    size: number,
    options: ResolvedPutOptions,
    send: (client: BlockBlobClient, uploadOptions: BlockBlobParallelUploadOptions) => Promise<unknown>,
  ): Promise<LakeObject> {
    const uploadOptions: BlockBlobParallelUploadOptions = {
      conditions: { ifNoneMatch: '*' },
      metadata: { ...options.metadata, [SHA256_METADATA_KEY]: parsed.sha256 },
      blobHTTPHeaders: { blobContentType: options.contentType },
      blockSize: this.blockSize,
      maxSingleShotSize: this.blockSize,
      concurrency: this.concurrency,
    };
    try {
      await send(this.blob(parsed), uploadOptions);
    } catch (error) {
      if (!LOST_RACE.has(statusOf(error) ?? 0)) throw unavailable(`writing ${parsed.key}`, error);
      // Another writer stored this key first. Content addressing says it holds the same bytes; check it does.
      const winner = await this.stat(parsed.key);
      if (!winner) throw unavailable(`writing ${parsed.key}`, error);
      return this.verify(parsed.key);
    }
    return { key: parsed.key, sha256: parsed.sha256, size, contentType: options.contentType, metadata: { ...options.metadata } };
  }
}
