import type { OutgoingMessage } from './message';

/**
 * Largest message a Service Bus namespace accepts, per tier: 256 KB on Standard, up to 100 MB on
 * Premium (a per-entity setting there). A bus is configured with its namespace's limit
 * (`BusTopology.maxMessageSizeBytes`); Standard is the default.
 */
export const serviceBusTierMaxMessageBytes = {
  standard: 256 * 1024,
  premium: 100 * 1024 * 1024,
} as const;

export const defaultMaxMessageSizeBytes = serviceBusTierMaxMessageBytes.standard;

const utf8Bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/**
 * What a message counts against the limit, the same on every adapter: its JSON body, its
 * application properties as JSON, and its ids and subject, in UTF-8 bytes. Service Bus also counts
 * its own headers (a few hundred bytes); the Azure SDK checks those itself.
 */
export function messageSizeBytes(
  message: Pick<OutgoingMessage, 'body' | 'applicationProperties' | 'messageId' | 'correlationId' | 'sessionId' | 'subject'>,
): number {
  return (
    utf8Bytes(JSON.stringify(message.body ?? null)) +
    utf8Bytes(JSON.stringify(message.applicationProperties ?? {})) +
    utf8Bytes(message.messageId) +
    utf8Bytes(message.correlationId) +
    utf8Bytes(message.sessionId) +
    utf8Bytes(message.subject)
  );
}
