import { CodedError, codedErrorGuard } from '@leaf/contracts';

/**
 * Stable codes for everything this library can fail with. Callers branch on `code`; messages
 * never carry a password or a full connection string.
 */
export const syntheticDataErrorCodes = [
  'SYNTHETIC_OPTIONS_INVALID',
  'SYNTHETIC_CSV_WRITE_FAILED',
  'SYNTHETIC_LOAD_FAILED',
  'SYNTHETIC_SEED_ALREADY_LOADED',
  'SYNTHETIC_PACKETS_WRITE_FAILED',
] as const;

export type SyntheticDataErrorCode = (typeof syntheticDataErrorCodes)[number];

export class SyntheticDataError extends CodedError<SyntheticDataErrorCode> {
  override readonly name = 'SyntheticDataError';
}

export const isSyntheticDataError = codedErrorGuard(SyntheticDataError);
