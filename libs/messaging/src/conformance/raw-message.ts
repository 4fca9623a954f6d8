import type { ApplicationProperties } from '../port/message';

/**
 * A message as any client could send it, past every check of the port: its body is whatever
 * bytes it carries. Conformance targets write these to show that nothing a sender does can stop
 * a consumer.
 */
export interface RawOutgoingMessage {
  messageId: string;
  body: Uint8Array;
  sessionId?: string;
  applicationProperties?: ApplicationProperties;
}
