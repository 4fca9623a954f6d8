import { DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import type { StoragePipelineOptions, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createBlobLake } from '../blob/blob.factory';
import { FilesystemLake } from '../filesystem/filesystem.lake';
import type { Lake } from '../lake/lake.port';
import { parseLakeConfig, type LakeConfig } from './lake-config.schema';

export interface CreateLakeDependencies {
  /** Used with `accountUrl`; defaults to `DefaultAzureCredential` (workload identity on AKS). */
  readonly credential?: TokenCredential | StorageSharedKeyCredential;
  readonly pipeline?: StoragePipelineOptions;
}

/** Builds the lake the (validated) config names. */
export function createLake(config: LakeConfig, dependencies: CreateLakeDependencies = {}): Lake {
  const valid = parseLakeConfig(config);
  if (valid.kind === 'filesystem') return new FilesystemLake(valid.root);
  if (valid.connectionString !== undefined) {
    return createBlobLake({ connectionString: valid.connectionString, container: valid.container, pipeline: dependencies.pipeline });
  }
  return createBlobLake({
    accountUrl: valid.accountUrl as string,
    credential: dependencies.credential ?? new DefaultAzureCredential(),
    container: valid.container,
    pipeline: dependencies.pipeline,
  });
}
