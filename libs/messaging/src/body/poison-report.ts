import type { ReceivedMessage } from '../port/message';
import { MessagingError } from '../port/messaging.error';

/**
 * What a consumer reports (to its `onError`, which services log as a warning) after
 * dead-lettering a body that could never be handled: where, which message, and why. The
 * description names sizes and fields only, never the body's content.
 */
export function poisonReport(entity: string, subscription: string, message: ReceivedMessage): MessagingError {
  const where = subscription ? `${entity}/${subscription}` : entity;
  const problem = message.bodyProblem;
  return new MessagingError(
    'MESSAGE_BODY_REJECTED',
    `dead-lettered message ${message.messageId} (sequence number ${message.sequenceNumber}) on ${where}: ${problem?.reason}: ${problem?.description}`,
  );
}
