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
  /**
   * Expires this long after it is enqueued (for a scheduled message: after its scheduled time),
   * if the entity's `defaultMessageTimeToLiveMs` is not shorter. An expired message is never
   * delivered: the entity dead-letters it (`TTLExpiredException`) or drops it.
   */
  timeToLiveMs?: number;
}

export type MessageState = 'active' | 'deferred' | 'scheduled';

/**
 * Why a body can never reach a handler. Each is also the dead-letter reason the bus gives such a
 * message, so an operator sees in the dead-letter list what was wrong without opening it.
 */
export const bodyProblemReasons = ['BodyTooLarge', 'BodyNotUtf8', 'BodyNotJson', 'ContractViolation'] as const;
export type BodyProblemReason = (typeof bodyProblemReasons)[number];

export interface BodyProblem {
  reason: BodyProblemReason;
  /** What is wrong: sizes, the JSON error position, the failing fields. Never a value of the body. */
  description: string;
}

/**
 * What a consumer receives. A subscription's handler only ever sees a body that is UTF-8 JSON
 * within the size limit and matches the entity's contract: the bus dead-letters any other with
 * its `bodyProblem` as the reason. Peeks and dead-letter receivers see every message, with
 * `bodyProblem` (and, when the body could not be decoded, `rawBody`) telling what is wrong.
 */
export interface ReceivedMessage {
  /** The decoded JSON; undefined when the body could not be decoded (see `bodyProblem`). */
  body: unknown;
  bodyProblem?: BodyProblem;
  /** The body's bytes exactly as they arrived, only when they could not be decoded as JSON. */
  rawBody?: Uint8Array;
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
  /** When it expires in its queue or subscription (time-to-live); a dead-lettered message no longer expires. */
  expiresAt?: Date;
  lockedUntil?: Date;
  lockToken?: string;
  state: MessageState;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}
