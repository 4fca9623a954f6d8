/**
 * Stable codes for everything this library can fail with. Callers branch on `code`; messages
 * never carry a password or a full connection string.
 */
export const syntheticDataErrorCodes = [
  'SYNTHETIC_OPTIONS_INVALID',
  'SYNTHETIC_CSV_WRITE_FAILED',
  'SYNTHETIC_LOAD_FAILED',
  'SYNTHETIC_SEED_ALREADY_LOADED',
] as const;

export type SyntheticDataErrorCode = (typeof syntheticDataErrorCodes)[number];

export class SyntheticDataError extends Error {
  override readonly name = 'SyntheticDataError';

  constructor(
    readonly code: SyntheticDataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSyntheticDataError(value: unknown, code?: SyntheticDataErrorCode): value is SyntheticDataError {
  return value instanceof SyntheticDataError && (code === undefined || value.code === code);
}
