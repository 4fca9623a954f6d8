export { LAKE, DEFAULT_CONTENT_TYPE, type Lake, type LakeObject, type LakeContent, type LakePutOptions } from './lake/lake.port';
export { LakeError, isLakeError, lakeErrorCodes, type LakeErrorCode } from './errors/lake.error';
export { validateArea, parseKey, contentKey, isLakeKey, validatePrefix, type ParsedKey } from './lake/lake-key.validation';
export { FilesystemLake } from './filesystem/filesystem.lake';
export { BlobLake, type BlobLakeOptions } from './blob/blob.lake';
export { createBlobLake, type CreateBlobLakeOptions } from './blob/blob.factory';
export { lakeConfigSchema, parseLakeConfig, type LakeConfig, type FilesystemLakeConfig, type AzureBlobLakeConfig } from './config/lake-config.schema';
export { parseLakeUrl } from './config/lake-url.parser';
export { createLake, type CreateLakeDependencies } from './config/lake.factory';
