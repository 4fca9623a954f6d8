import type { ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import { MessagingError } from '../port/messaging.error';
import { mapErrors } from './azure-error.mapper';

/**
 * Sends the messages as ONE batch, which Service Bus enqueues atomically. The port promises an
 * all-or-nothing batch, so a set that does not fit one batch is refused whole rather than split
 * into batches that could half succeed.
 */
export async function sendAsOneBatch(sender: ServiceBusSender, entity: string, messages: ServiceBusMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await mapErrors(`send to ${entity}`, async () => {
    const batch = await sender.createMessageBatch();
    messages.forEach((message, index) => {
      if (!batch.tryAddMessage(message)) {
        throw new MessagingError(
          'MESSAGE_SIZE_EXCEEDED',
          `batch to ${entity} does not fit one Service Bus batch (${batch.maxSizeInBytes} bytes): message ${index + 1} of ${messages.length} does not fit; nothing was sent`,
        );
      }
    });
    await sender.sendMessages(batch);
  });
}
