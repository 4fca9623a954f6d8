import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const messagingErrorCodes = [
  'MESSAGE_LOCK_LOST',
  /** The session lock expired or passed to another receiver: nothing of that session can be received or settled here. */
  'SESSION_LOCK_LOST',
  /** A send to a session entity (a session queue, or a topic with a session subscription the message reaches) without a session id. */
  'MESSAGING_SESSION_REQUIRED',
  /** A message, or a batch together, larger than the namespace tier allows (see message-size.ts); nothing was sent. */
  'MESSAGE_SIZE_EXCEEDED',
  'MESSAGE_NOT_FOUND',
  'MESSAGING_ENTITY_UNKNOWN',
  'MESSAGING_PAYLOAD_INVALID',
  /** A received body that can never be handled (see BodyProblem): it was dead-lettered. */
  'MESSAGE_BODY_REJECTED',
  'MESSAGING_CLOSED',
  'MESSAGING_UNAVAILABLE',
] as const;
export type MessagingErrorCode = (typeof messagingErrorCodes)[number];

export class MessagingError extends CodedError<MessagingErrorCode> {
  override readonly name = 'MessagingError';
}

export const isMessagingError = codedErrorGuard(MessagingError);
