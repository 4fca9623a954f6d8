import { CodedError, codedErrorGuard } from '@leaf/contracts';

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
  'PERSISTENCE_AUTH_FAILED',
] as const;

export type PersistenceErrorCode = (typeof persistenceErrorCodes)[number];

export class PersistenceError extends CodedError<PersistenceErrorCode> {
  override readonly name = 'PersistenceError';
}

export const isPersistenceError = codedErrorGuard(PersistenceError);
