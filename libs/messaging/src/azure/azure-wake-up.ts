import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import type { ApplicationProperties } from '../port/message';

/**
 * Service Bus has no "abandon with delay": an abandoned message is visible again at once. So a
 * delayed abandon DEFERS the message (it keeps its messageId, sequence number and delivery count,
 * and stays visible to peek as `deferred`) and schedules a small wake-up message on the same
 * entity for the moment it should return. The consumer that receives the wake-up takes the
 * deferred message back by sequence number, runs the handler on it, and only then completes the
 * wake-up, so a crash in between leaves both to be retried rather than a message stranded.
 *
 * Re-sending a copy instead would clash with duplicate detection (same messageId inside the
 * window is dropped) or break idempotent consumers (a new messageId).
 *
 * On a topic the wake-up reaches every subscription whose filter it passes (it carries the
 * original's correlation id, subject and properties so that it passes the same filter as the
 * original); the others complete it unseen.
 */
export const wakeUpProperty = {
  /** Sequence number of the deferred message to take back. */
  of: 'leaf-wakeup-of',
  /** The subscription the deferred message sits in ('' for a queue). */
  for: 'leaf-wakeup-for',
  /** The port's delivery count when it was abandoned, in case the broker does not count deferred receives. */
  attempt: 'leaf-wakeup-attempt',
} as const;

export interface WakeUp {
  sequenceNumber: string;
  subscription: string;
  attempt: number;
}

export function wakeUpOf(message: Pick<ServiceBusReceivedMessage, 'applicationProperties'>): WakeUp | undefined {
  const properties = message.applicationProperties ?? {};
  const of = properties[wakeUpProperty.of];
  if (of === undefined || of === null) return undefined;
  return {
    sequenceNumber: String(of),
    subscription: String(properties[wakeUpProperty.for] ?? ''),
    attempt: Number(properties[wakeUpProperty.attempt] ?? 0),
  };
}

export function wakeUpMessage(
  original: ServiceBusReceivedMessage,
  subscription: string,
  attempt: number,
  propertiesToModify: ApplicationProperties = {},
): ServiceBusMessage {
  return {
    body: Buffer.from('null', 'utf8'),
    contentType: 'application/json',
    messageId: `wake-up:${randomUUID()}`,
    ...(original.correlationId !== undefined && {
      correlationId: original.correlationId,
    }),
    ...(original.sessionId !== undefined && { sessionId: original.sessionId }),
    ...(original.subject !== undefined && { subject: original.subject }),
    applicationProperties: {
      ...original.applicationProperties,
      ...propertiesToModify,
      [wakeUpProperty.of]: String(original.sequenceNumber?.toString() ?? ''),
      [wakeUpProperty.for]: subscription,
      [wakeUpProperty.attempt]: attempt,
    },
  };
}
