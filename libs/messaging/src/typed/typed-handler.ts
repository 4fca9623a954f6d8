import { schemaFor, type EntityName, type EntityPayload } from '@leaf/contracts';
import type { ReceivedMessage } from '../port/message';
import type { HandlerContext, MessageHandler } from '../port/settlement';

export type TypedHandler<E extends EntityName> = (payload: EntityPayload<E>, message: ReceivedMessage, context: HandlerContext) => Promise<void>;

/**
 * Validates every arriving body against the entity's contract. A body that does not match can
 * never succeed, so it goes straight to the dead-letter queue (reason `schema-invalid`, the
 * failing fields as description) instead of burning retries and blocking the queue.
 */
export function typedHandler<E extends EntityName>(entity: E, handle: TypedHandler<E>): MessageHandler {
  const schema = schemaFor(entity);
  return async (message, context) => {
    const parsed = schema.safeParse(message.body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      await context.deadLetter({ reason: 'schema-invalid', description: fields.slice(0, 1000) });
      return;
    }
    await handle(parsed.data as EntityPayload<E>, message, context);
  };
}
