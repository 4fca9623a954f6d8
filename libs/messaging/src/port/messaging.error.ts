import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const messagingErrorCodes = [
  'MESSAGE_LOCK_LOST',
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
