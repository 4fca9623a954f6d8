import type { DataSource, EntityManager } from 'typeorm';
import type { ReceivedMessage } from '../port/message';
import type { HandlerContext, MessageHandler } from '../port/settlement';

export type TransactionalHandler = (message: ReceivedMessage, manager: EntityManager, context: HandlerContext) => Promise<void>;

/**
 * The inbox half of exactly-once effect: the consumer's state change and the record that this
 * messageId was applied commit in one transaction. A redelivery (lock lost, crash before
 * complete, relay re-send) finds the record and only completes.
 */
export function idempotentHandler(ds: DataSource, consumer: string, handle: TransactionalHandler): MessageHandler {
  return async (message, context) => {
    await ds.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO inbox_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`,
        [consumer, message.messageId],
      );
      if (inserted.length === 0) return;
      await handle(message, manager, context);
    });
  };
}
