import { schemaFor, type EntityName, type EntityPayload } from '@leaf/contracts';
import { contractViolation } from '../body/contract-issues';
import type { ReceivedMessage } from '../port/message';
import type { HandlerContext, MessageHandler } from '../port/settlement';

export type TypedHandler<E extends EntityName> = (payload: EntityPayload<E>, message: ReceivedMessage, context: HandlerContext) => Promise<void>;

/**
 * Hands the handler the body parsed by the entity's contract, typed. The bus already
 * dead-letters a body that breaks the contract before any handler sees it; this check stays for
 * the types, and for a handler given a message some other way. A body that does not match can
 * never succeed, so it goes straight to the dead-letter queue (reason `ContractViolation`, the
 * failing fields as description) instead of burning retries and blocking the queue.
 */
export function typedHandler<E extends EntityName>(entity: E, handle: TypedHandler<E>): MessageHandler {
  const schema = schemaFor(entity);
  return async (message, context) => {
    const parsed = schema.safeParse(message.body);
    if (!parsed.success) {
      await context.deadLetter(contractViolation(entity, parsed.error));
      return;
    }
    await handle(parsed.data as EntityPayload<E>, message, context);
  };
}
