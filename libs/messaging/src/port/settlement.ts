import type { ApplicationProperties, ReceivedMessage } from './message';

/**
 * How a peek-locked message ends. Exactly one settlement per delivery; settling twice, or after
 * the lock expired, throws a MessagingError with code `MESSAGE_LOCK_LOST` (`SESSION_LOCK_LOST`
 * for a session's message whose session lock expired or passed to another receiver).
 */
export interface Settlement {
  complete(): Promise<void>;
  /**
   * Back to the queue (delivery count already incremented); `delayMs` keeps it invisible that long.
   * In a session the order is kept: the receiver holds the session (renewing its lock) for the
   * delay and then abandons, so the message is still the session's next, and nothing after it
   * in the session is delivered first.
   */
  abandon(options?: { delayMs?: number; propertiesToModify?: ApplicationProperties }): Promise<void>;
  deadLetter(options: { reason: string; description?: string }): Promise<void>;
  /** Set aside; only `receiveDeferred` by sequence number gets it back. */
  defer(): Promise<void>;
  renewLock(): Promise<Date>;
}

export interface HandlerContext extends Settlement {
  /** Aborted when the subscription closes or the lock is lost. */
  signal: AbortSignal;
}

/**
 * A handler that returns without settling completes the message; one that throws abandons it
 * (with the adapter's backoff), until maxDeliveryCount moves it to the dead-letter queue with
 * reason `MaxDeliveryCountExceeded`.
 */
export type MessageHandler = (message: ReceivedMessage, context: HandlerContext) => Promise<void>;
