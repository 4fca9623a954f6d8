import type { EntityName } from '@leaf/contracts';
import { assertContract } from '../body/contract-issues';
import { maxMessageSizeBytes, routes, type BusTopology } from '../embedded/bus-topology';
import type { OutgoingMessage } from '../port/message';
import { messageSizeBytes } from '../port/message-size';
import { MessagingError } from '../port/messaging.error';

/**
 * What every adapter refuses before anything is sent, with the same typed error: a body that
 * breaks the entity's contract (`MESSAGING_PAYLOAD_INVALID`), a time-to-live that is not a
 * positive number of milliseconds (same), a message without a session id where a session is
 * required (`MESSAGING_SESSION_REQUIRED`: a session queue, or a session subscription of the topic
 * the message would reach), and a message or a batch over the namespace's size
 * (`MESSAGE_SIZE_EXCEEDED`). A batch is refused whole.
 */
export function checkOutgoing(topology: BusTopology, entity: EntityName, messages: readonly OutgoingMessage[]): void {
  const max = maxMessageSizeBytes(topology);
  let total = 0;
  messages.forEach((message, index) => {
    const which = messages.length > 1 ? `message ${index + 1} of ${messages.length}` : 'the message';
    assertContract(entity, message.body);
    const ttl = message.timeToLiveMs;
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) {
      throw new MessagingError('MESSAGING_PAYLOAD_INVALID', `${which} to ${entity}: timeToLiveMs must be a positive whole number of milliseconds`);
    }
    if (message.sessionId === undefined || message.sessionId === '') {
      const needing = routes(topology, entity, message).find((r) => r.settings.requiresSession);
      if (needing) {
        const where = needing.subscription ? `subscription ${needing.subscription} of ${entity}` : entity;
        throw new MessagingError('MESSAGING_SESSION_REQUIRED', `${which} has no session id, and ${where} requires sessions; nothing was sent`);
      }
    }
    const size = messageSizeBytes(message);
    if (size > max) throw new MessagingError('MESSAGE_SIZE_EXCEEDED', `${which} to ${entity} is ${size} bytes; the namespace allows ${max}; nothing was sent`);
    total += size;
  });
  if (total > max) {
    throw new MessagingError(
      'MESSAGE_SIZE_EXCEEDED',
      `the batch of ${messages.length} messages to ${entity} is ${total} bytes together; one batch may be at most ${max}; nothing was sent`,
    );
  }
}
