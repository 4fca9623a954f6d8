import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import Long from 'long';
import { randomUUID } from 'node:crypto';
import { screenBody, type BodyScreenOptions } from '../body/body-screen';
import type { ApplicationProperties, OutgoingMessage, ReceivedMessage } from '../port/message';

const jsonContentType = 'application/json';

/**
 * Bodies travel as UTF-8 JSON in a data section (content type application/json), not as an AMQP
 * value: any Service Bus client in any language reads them the same way.
 */
export function toServiceBusMessage(message: OutgoingMessage): ServiceBusMessage {
  return {
    body: Buffer.from(JSON.stringify(message.body), 'utf8'),
    contentType: jsonContentType,
    messageId: message.messageId ?? randomUUID(),
    ...(message.correlationId !== undefined && {
      correlationId: message.correlationId,
    }),
    ...(message.sessionId !== undefined && { sessionId: message.sessionId }),
    ...(message.subject !== undefined && { subject: message.subject }),
    ...(message.applicationProperties && {
      applicationProperties: { ...message.applicationProperties },
    }),
    ...(message.timeToLiveMs !== undefined && {
      timeToLive: message.timeToLiveMs,
    }),
  };
}

function applicationPropertiesOf(message: ServiceBusReceivedMessage): ApplicationProperties {
  const properties: ApplicationProperties = {};
  for (const [key, value] of Object.entries(message.applicationProperties ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[key] = value;
    else if (value instanceof Date) properties[key] = value.toISOString();
    else if (value !== null && value !== undefined) properties[key] = String(value);
  }
  return properties;
}

export const toBigInt = (sequenceNumber: Long | undefined): bigint => BigInt((sequenceNumber ?? Long.ZERO).toString());
export const toLong = (sequenceNumber: bigint): Long => Long.fromString(sequenceNumber.toString());

/**
 * The SDK reports the AMQP header's delivery-count, which counts earlier attempts (0 on the first
 * delivery); the port counts deliveries (1 on the first), as Service Bus does in .NET. A peeked
 * message is not being delivered, so its count is the attempts so far.
 */
export function fromServiceBusMessage(message: ServiceBusReceivedMessage, how: 'received' | 'peeked', screen: BodyScreenOptions): ReceivedMessage {
  const attempts = message.deliveryCount ?? 0;
  // Receivers skip the SDK's own JSON parsing (which silently hands back text or bytes when it
  // fails): the screen decodes strictly and says what is wrong instead.
  const screened = screenBody(message.body, screen);
  return {
    body: screened.body,
    ...(screened.problem && { bodyProblem: screened.problem }),
    ...(screened.raw && { rawBody: screened.raw }),
    messageId: String(message.messageId ?? ''),
    ...(message.correlationId !== undefined && {
      correlationId: String(message.correlationId),
    }),
    ...(message.sessionId !== undefined && { sessionId: message.sessionId }),
    ...(message.subject !== undefined && { subject: message.subject }),
    applicationProperties: applicationPropertiesOf(message),
    sequenceNumber: toBigInt(message.sequenceNumber),
    deliveryCount: how === 'received' ? attempts + 1 : attempts,
    enqueuedAt: message.enqueuedTimeUtc ?? new Date(0),
    ...(message.expiresAtUtc && { expiresAt: message.expiresAtUtc }),
    ...(how === 'received' && message.lockedUntilUtc && { lockedUntil: message.lockedUntilUtc }),
    ...(how === 'received' && message.lockToken && { lockToken: message.lockToken }),
    state: message.state,
    ...(message.deadLetterReason !== undefined && {
      deadLetterReason: message.deadLetterReason,
    }),
    ...(message.deadLetterErrorDescription !== undefined && {
      deadLetterErrorDescription: message.deadLetterErrorDescription,
    }),
  };
}
