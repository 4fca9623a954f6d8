import type { EntityName, QueueName, TopicName } from '@leaf/contracts';
import type { OutgoingMessage, ReceivedMessage } from './message';
import type { MessageHandler, Settlement } from './settlement';

/** Where messages are received from: a queue, or one consumer's subscription on a topic. */
export type ReceiveAddress = { queue: QueueName } | { topic: TopicName; subscription: string };

export interface SubscribeOptions {
  /** Handlers running at once (sessions: sessions at once). Default 1. */
  maxConcurrentCalls?: number;
  /** Receive from the address's dead-letter sub-queue instead. */
  deadLetter?: boolean;
  /** Keep renewing a message's lock while its handler runs, up to this long. Default 5 min. */
  maxAutoLockRenewalMs?: number;
}

export interface ConsumerHandle {
  /** Stop taking messages and wait for the in-flight handlers (their settlements) to finish. */
  close(): Promise<void>;
}

export interface DeliveredMessage {
  message: ReceivedMessage;
  settlement: Settlement;
}

export interface PeekOptions {
  maxCount?: number;
  fromSequenceNumber?: bigint;
  deadLetter?: boolean;
}

/**
 * The bus, with Azure Service Bus semantics on every adapter: peek-lock, complete / abandon /
 * dead-letter / defer, lock renewal, max delivery count, duplicate detection by messageId,
 * sessions, scheduled messages, correlation filters on subscriptions.
 */
export interface MessageBus {
  /** To a topic or queue; a batch is all-or-nothing. */
  send<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[]): Promise<void>;
  /** Enqueued but invisible until `at`; returns the sequence numbers to cancel with. */
  schedule<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[], at: Date): Promise<bigint[]>;
  cancelScheduled(entity: EntityName, sequenceNumbers: bigint[]): Promise<void>;
  subscribe(from: ReceiveAddress, handler: MessageHandler, options?: SubscribeOptions): ConsumerHandle;
  receiveDeferred(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]>;
  /**
   * Peek-locks these messages of the address's dead-letter sub-queue, for an operator to settle
   * (resubmit, purge). Returns those found and not locked by someone else; the rest are left out.
   * The embedded adapter locks exactly these. Azure Service Bus can only receive a dead-letter
   * queue in order, so its adapter receives up to them, holding the messages before them locked
   * while it looks, and abandons those before returning (their delivery count goes up by one).
   */
  receiveDeadLetters(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]>;
  peek(from: ReceiveAddress, options?: PeekOptions): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('leaf.messaging.bus');
