import { isServiceBusError } from '@azure/service-bus';
import { MessagingError, type MessagingErrorCode } from '../port/messaging.error';

/** SDK error codes and what they mean to a caller of the port; anything else is transient. */
const codeFor: Record<string, MessagingErrorCode> = {
  MessageLockLost: 'MESSAGE_LOCK_LOST',
  SessionLockLost: 'SESSION_LOCK_LOST',
  MessageNotFound: 'MESSAGE_NOT_FOUND',
  MessagingEntityNotFound: 'MESSAGING_ENTITY_UNKNOWN',
  MessageSizeExceeded: 'MESSAGE_SIZE_EXCEEDED',
};

/** Service Bus refuses a session entity's message without a session id as an invalid operation; this is its text. */
const sessionIdMissing = /SessionId was not set|session identifier is null/i;

/** Thrown by the SDK when a message is settled twice (a plain Error, not a ServiceBusError). */
const alreadySettled = /already settled|has either been deleted/i;
const closed = /has been closed and can no longer be used/i;

/**
 * Turns whatever the SDK threw into a `MessagingError` with a stable code, keeping the SDK error
 * as `cause` so its details (tracking id, retry hints) are not lost.
 */
export function toMessagingError(error: unknown, action: string): MessagingError {
  if (error instanceof MessagingError) return error;
  if (isServiceBusError(error)) {
    const code = codeFor[error.code] ?? (sessionIdMissing.test(error.message) ? 'MESSAGING_SESSION_REQUIRED' : 'MESSAGING_UNAVAILABLE');
    return new MessagingError(code, `${action}: ${error.code}: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (alreadySettled.test(message))
    return new MessagingError('MESSAGE_LOCK_LOST', `${action}: ${message}`, {
      cause: error,
    });
  if (closed.test(message))
    return new MessagingError('MESSAGING_CLOSED', `${action}: ${message}`, {
      cause: error,
    });
  return new MessagingError('MESSAGING_UNAVAILABLE', `${action}: ${message}`, {
    cause: error,
  });
}

/** Runs an SDK call and rethrows its failure as a `MessagingError`. */
export async function mapErrors<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toMessagingError(error, action);
  }
}
