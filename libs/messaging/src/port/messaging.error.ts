import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const messagingErrorCodes = [
  'MESSAGE_LOCK_LOST',
  'MESSAGE_NOT_FOUND',
  'MESSAGING_ENTITY_UNKNOWN',
  'MESSAGING_PAYLOAD_INVALID',
  'MESSAGING_CLOSED',
  'MESSAGING_UNAVAILABLE',
] as const;
export type MessagingErrorCode = (typeof messagingErrorCodes)[number];

export class MessagingError extends CodedError<MessagingErrorCode> {
  override readonly name = 'MessagingError';
}

export const isMessagingError = codedErrorGuard(MessagingError);
