import type { TokenCredential } from '@azure/core-auth';
import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential, type StoragePipelineOptions } from '@azure/storage-blob';
import { LakeError } from '../errors/lake.error';
import { safeCause } from '../errors/safe-cause';
import { BlobLake, type BlobLakeOptions } from './blob.lake';

/** Azure container naming rules: 3-63 of [a-z0-9-], starting and ending alphanumeric, no `--`. */
export const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

interface CommonBlobLakeOptions extends Omit<BlobLakeOptions, 'containerClient'> {
  readonly container: string;
  /** Passed to the Azure client (retry policy, user agent, proxy). */
  readonly pipeline?: StoragePipelineOptions;
}

export type CreateBlobLakeOptions = CommonBlobLakeOptions &
  (
    | { readonly connectionString: string }
    | { readonly accountUrl: string; readonly credential: TokenCredential | StorageSharedKeyCredential | AnonymousCredential }
  );

/**
 * Builds a `BlobLake` from a connection string (Azurite, development) or an account URL and a
 * credential (production: `DefaultAzureCredential` against the ADLS Gen2 account's blob endpoint).
 * Errors never repeat the connection string or URL, which may hold a key or a SAS token.
 */
export function createBlobLake(options: CreateBlobLakeOptions): BlobLake {
  if (!CONTAINER_NAME.test(options.container)) {
    throw new LakeError('LAKE_CONFIG_INVALID', 'container must be 3-63 lowercase letters, digits or single hyphens');
  }
  let service: BlobServiceClient;
  try {
    service =
      'connectionString' in options
        ? BlobServiceClient.fromConnectionString(options.connectionString, options.pipeline)
        : new BlobServiceClient(options.accountUrl, options.credential, options.pipeline);
  } catch (error) {
    const what = 'connectionString' in options ? 'connection string' : 'account URL';
    throw new LakeError('LAKE_CONFIG_INVALID', `the lake's ${what} is malformed`, { cause: safeCause(error) });
  }
  return new BlobLake({
    containerClient: service.getContainerClient(options.container),
    spoolDir: options.spoolDir,
    blockSize: options.blockSize,
    concurrency: options.concurrency,
  });
}
