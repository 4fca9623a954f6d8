import { randomUUID } from 'node:crypto';
import type { EntityName } from '@leaf/contracts';
import type { EntityManager } from 'typeorm';
import { assertContract } from '../body/contract-issues';
import type { OutgoingMessage } from '../port/message';

/**
 * Writes a message into the outbox inside the caller's transaction: the state change and the
 * message it announces commit together or not at all. The relay sends it afterwards.
 * Returns the messageId (the id consumers and duplicate detection key on).
 */
export async function addToOutbox<E extends EntityName>(manager: EntityManager, entity: E, message: OutgoingMessage<E>): Promise<string> {
  assertContract(entity, message.body);
  const messageId = message.messageId ?? randomUUID();
  // The outbox lives in the operational store, which is PostgreSQL (PGlite locally), never SQL Server.
  await manager.query(
    `INSERT INTO outbox_messages (entity, message_id, body, correlation_id, session_id, subject, application_properties)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      entity,
      messageId,
      JSON.stringify(message.body),
      message.correlationId ?? null,
      message.sessionId ?? null,
      message.subject ?? null,
      JSON.stringify(message.applicationProperties ?? {}),
    ],
  );
  return messageId;
}
