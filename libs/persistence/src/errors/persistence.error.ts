/**
 * Stable codes for everything this library can fail with. Callers branch on `code`; messages are
 * for humans and never carry a password or a full connection string.
 */
export const persistenceErrorCodes = [
  'PERSISTENCE_CONFIG_INVALID',
  'PERSISTENCE_URL_INVALID',
  'PERSISTENCE_EMBEDDED_START_FAILED',
  'PERSISTENCE_MIGRATION_FAILED',
  'PERSISTENCE_TEST_DATABASE_FAILED',
] as const;

export type PersistenceErrorCode = (typeof persistenceErrorCodes)[number];

export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPersistenceError(value: unknown, code?: PersistenceErrorCode): value is PersistenceError {
  return value instanceof PersistenceError && (code === undefined || value.code === code);
}
