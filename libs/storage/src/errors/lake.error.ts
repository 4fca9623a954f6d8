import { CodedError, codedErrorGuard } from '@leaf/contracts';

/**
 * Stable codes for everything the lake can fail with. Callers branch on `code`; messages name the
 * lake key at most, never a local path, an account key or a SAS URL.
 */
export const lakeErrorCodes = [
  'LAKE_NOT_FOUND',
  'LAKE_INVALID_KEY',
  'LAKE_INVALID_INPUT',
  'LAKE_INTEGRITY',
  'LAKE_CONFIG_INVALID',
  'LAKE_UNAVAILABLE',
] as const;

export type LakeErrorCode = (typeof lakeErrorCodes)[number];

export class LakeError extends CodedError<LakeErrorCode> {
  override readonly name = 'LakeError';
}

export const isLakeError = codedErrorGuard(LakeError);
