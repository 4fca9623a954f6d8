export const messagingErrorCodes = [
  'MESSAGE_LOCK_LOST',
  'MESSAGE_NOT_FOUND',
  'MESSAGING_ENTITY_UNKNOWN',
  'MESSAGING_PAYLOAD_INVALID',
  'MESSAGING_CLOSED',
  'MESSAGING_UNAVAILABLE',
] as const;
export type MessagingErrorCode = (typeof messagingErrorCodes)[number];

export class MessagingError extends Error {
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'MessagingError';
  }
}

export const isMessagingError = (e: unknown, code?: MessagingErrorCode): e is MessagingError =>
  e instanceof MessagingError && (code === undefined || e.code === code);
