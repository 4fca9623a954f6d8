import type { EntityName, EntityPayload } from '@leaf/contracts';

export type ApplicationProperties = Record<string, string | number | boolean>;

/** What a sender gives; the body is the typed payload of the entity it goes to. */
export interface OutgoingMessage<E extends EntityName = EntityName> {
  body: EntityPayload<E>;
  /** Defaults to a new UUID. Duplicate detection and idempotent consumers key on it. */
  messageId?: string;
  correlationId?: string;
  /** Messages of one session are delivered in order, to one consumer at a time. */
  sessionId?: string;
  subject?: string;
  /** W3C trace context (`traceparent`, `tracestate`) travels here too. */
  applicationProperties?: ApplicationProperties;
}

export type MessageState = 'active' | 'deferred' | 'scheduled';

/**
 * What a consumer receives. The body is the decoded JSON, not yet validated: validation against
 * the contract happens in the typed consumer layer, which dead-letters what does not match.
 */
export interface ReceivedMessage {
  body: unknown;
  messageId: string;
  correlationId?: string;
  sessionId?: string;
  subject?: string;
  applicationProperties: ApplicationProperties;
  /** Unique and increasing per entity (per subscription for topics). */
  sequenceNumber: bigint;
  /** 1 on the first delivery. */
  deliveryCount: number;
  enqueuedAt: Date;
  lockedUntil?: Date;
  lockToken?: string;
  state: MessageState;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}
