import type {
  ServiceBusMessage,
  ServiceBusReceivedMessage,
} from '@azure/service-bus';
import Long from 'long';
import { randomUUID } from 'node:crypto';
import type {
  ApplicationProperties,
  OutgoingMessage,
  ReceivedMessage,
} from '../port/message';

const jsonContentType = 'application/json';

/**
 * Bodies travel as UTF-8 JSON in a data section (content type application/json), not as an AMQP
 * value: any Service Bus client in any language reads them the same way.
 */
export function toServiceBusMessage(
  message: OutgoingMessage,
): ServiceBusMessage {
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
  };
}

/** Receivers skip the SDK's own JSON parsing, so a body that is not JSON arrives as text, not as a Buffer. */
export function decodeBody(body: unknown): unknown {
  if (!(body instanceof Uint8Array)) return body;
  const text = Buffer.from(
    body.buffer,
    body.byteOffset,
    body.byteLength,
  ).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function applicationPropertiesOf(
  message: ServiceBusReceivedMessage,
): ApplicationProperties {
  const properties: ApplicationProperties = {};
  for (const [key, value] of Object.entries(
    message.applicationProperties ?? {},
  )) {
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    )
      properties[key] = value;
    else if (value instanceof Date) properties[key] = value.toISOString();
    else if (value !== null && value !== undefined)
      properties[key] = String(value);
  }
  return properties;
}

export const toBigInt = (sequenceNumber: Long | undefined): bigint =>
  BigInt((sequenceNumber ?? Long.ZERO).toString());
export const toLong = (sequenceNumber: bigint): Long =>
  Long.fromString(sequenceNumber.toString());

/**
 * The SDK reports the AMQP header's delivery-count, which counts earlier attempts (0 on the first
 * delivery); the port counts deliveries (1 on the first), as Service Bus does in .NET. A peeked
 * message is not being delivered, so its count is the attempts so far.
 */
export function fromServiceBusMessage(
  message: ServiceBusReceivedMessage,
  how: 'received' | 'peeked',
): ReceivedMessage {
  const attempts = message.deliveryCount ?? 0;
  return {
    body: decodeBody(message.body),
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
    ...(how === 'received' &&
      message.lockedUntilUtc && { lockedUntil: message.lockedUntilUtc }),
    ...(how === 'received' &&
      message.lockToken && { lockToken: message.lockToken }),
    state: message.state,
    ...(message.deadLetterReason !== undefined && {
      deadLetterReason: message.deadLetterReason,
    }),
    ...(message.deadLetterErrorDescription !== undefined && {
      deadLetterErrorDescription: message.deadLetterErrorDescription,
    }),
  };
}
