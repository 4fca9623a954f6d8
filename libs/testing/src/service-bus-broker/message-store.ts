import type { EntitySettings } from '@leaf/contracts';
import {
  message as amqpMessage,
  types,
  type Delivery,
  type Message,
  type Sender,
} from 'rhea';
import { newLockToken } from './lock-token';

export interface StoredMessage {
  readonly sequenceNumber: number;
  message: Message;
  enqueuedAt: number;
  deliveryCount: number;
  state: 'active' | 'deferred' | 'scheduled';
  readonly sessionId: string | undefined;
  lock?: MessageLock;
  /** Set while scheduled: activates the message at its scheduled enqueue time. */
  scheduleTimer?: NodeJS.Timeout;
}

interface MessageLock {
  readonly token: string;
  readonly tag: Buffer;
  until: number;
  timer: NodeJS.Timeout;
}

/** A receiving link attached to an entity; session receivers are bound to one session. */
export interface Consumer {
  readonly link: Sender;
  readonly receiveAndDelete: boolean;
  sessionId?: string;
}

/** Wire-level failure reported to the SDK as an AMQP error condition. */
export class AmqpConditionError extends Error {
  constructor(
    readonly condition: string,
    description: string,
    readonly statusCode = 400,
  ) {
    super(description);
    this.name = 'AmqpConditionError';
  }
}

export const LOCK_LOST = 'com.microsoft:message-lock-lost';
export const SESSION_LOCK_LOST = 'com.microsoft:session-lock-lost';

export interface DeadLetterDetails {
  readonly reason?: string;
  readonly description?: string;
  readonly properties?: Record<string, unknown>;
}

interface SessionLock {
  owner: Consumer;
  until: number;
}

/**
 * One queue, subscription or dead-letter sub-queue: ordered messages with peek-lock, delivery
 * counting, deferral, sessions and the move to its dead-letter queue.
 */
export class MessageStore {
  private readonly messages = new Map<number, StoredMessage>();
  private readonly locks = new Map<string, StoredMessage>();
  private readonly consumers = new Set<Consumer>();
  private readonly sessionLocks = new Map<string, SessionLock>();
  private readonly sessionStates = new Map<string, Buffer>();

  constructor(
    readonly path: string,
    readonly settings: EntitySettings,
    private readonly nextSequence: () => number,
    readonly deadLetter?: MessageStore,
  ) {}

  get size(): number {
    return this.messages.size;
  }

  enqueue(
    message: Message,
    deliveryCount = 0,
    sequenceNumber = this.nextSequence(),
  ): number {
    const sessionId =
      typeof message.group_id === 'string' ? message.group_id : undefined;
    this.messages.set(sequenceNumber, {
      sequenceNumber,
      message,
      enqueuedAt: Date.now(),
      deliveryCount,
      state: 'active',
      sessionId,
    });
    this.pump();
    return sequenceNumber;
  }

  /**
   * Holds a message in the store as scheduled (peek shows it, receivers do not) until its
   * enqueue time, like Service Bus, which assigns the sequence number when it accepts the schedule.
   */
  schedule(
    message: Message,
    enqueueAt: number,
    sequenceNumber = this.nextSequence(),
  ): number {
    const sessionId =
      typeof message.group_id === 'string' ? message.group_id : undefined;
    const stored: StoredMessage = {
      sequenceNumber,
      message,
      enqueuedAt: enqueueAt,
      deliveryCount: 0,
      state: 'scheduled',
      sessionId,
    };
    stored.scheduleTimer = setTimeout(
      () => {
        stored.scheduleTimer = undefined;
        stored.state = 'active';
        stored.enqueuedAt = Date.now();
        this.pump();
      },
      Math.max(0, enqueueAt - Date.now()),
    );
    this.messages.set(sequenceNumber, stored);
    return sequenceNumber;
  }

  /** Removes a message that is still scheduled; one already enqueued stays (as in Service Bus). */
  cancelScheduled(sequenceNumber: number): void {
    const stored = this.messages.get(sequenceNumber);
    if (stored?.state !== 'scheduled') return;
    clearTimeout(stored.scheduleTimer);
    this.messages.delete(sequenceNumber);
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
    this.pump();
  }

  removeConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer);
    for (const [id, lock] of this.sessionLocks)
      if (lock.owner === consumer) this.sessionLocks.delete(id);
  }

  /** Sends available messages to every consumer with credit. */
  pump(): void {
    for (const consumer of this.consumers) this.pumpOne(consumer);
  }

  pumpOne(consumer: Consumer): void {
    while (consumer.link.is_open() && consumer.link.sendable()) {
      const next = this.nextFor(consumer);
      if (!next) return;
      this.deliver(consumer, next);
    }
  }

  private nextFor(consumer: Consumer): StoredMessage | undefined {
    for (const stored of this.messages.values()) {
      if (stored.state !== 'active' || stored.lock) continue;
      if (
        this.settings.requiresSession &&
        stored.sessionId !== consumer.sessionId
      )
        continue;
      return stored;
    }
    return undefined;
  }

  private deliver(consumer: Consumer, stored: StoredMessage): void {
    if (consumer.receiveAndDelete) {
      this.messages.delete(stored.sequenceNumber);
      consumer.link.send(this.wireMessage(stored), Buffer.alloc(0));
      return;
    }
    const lock = this.lock(stored);
    consumer.link.send(this.wireMessage(stored), lock.tag);
  }

  private lock(stored: StoredMessage): MessageLock {
    const { tag, token } = newLockToken();
    const until = Date.now() + this.settings.lockDurationMs;
    const timer = setTimeout(
      () => this.expire(token),
      this.settings.lockDurationMs,
    );
    stored.lock = { tag, token, until, timer };
    this.locks.set(token, stored);
    return stored.lock;
  }

  private unlock(stored: StoredMessage): void {
    if (!stored.lock) return;
    clearTimeout(stored.lock.timer);
    this.locks.delete(stored.lock.token);
    stored.lock = undefined;
  }

  // A lock that runs out counts as a failed delivery, exactly like an abandon.
  private expire(token: string): void {
    const stored = this.locks.get(token);
    if (stored) this.failDelivery(stored);
  }

  /** The message as sent to a receiver: broker annotations and the AMQP header's delivery count. */
  wireMessage(stored: StoredMessage): Message {
    const annotations: Record<string, unknown> = {
      ...stored.message.message_annotations,
      'x-opt-sequence-number': types.wrap_long(stored.sequenceNumber),
      'x-opt-enqueued-time': new Date(stored.enqueuedAt),
    };
    if (stored.lock)
      annotations['x-opt-locked-until'] = new Date(stored.lock.until);
    // Service Bus AMQP mapping of message state: 0 active, 1 deferred, 2 scheduled.
    if (stored.state === 'deferred') annotations['x-opt-message-state'] = 1;
    if (stored.state === 'scheduled') annotations['x-opt-message-state'] = 2;
    return {
      ...stored.message,
      delivery_count: stored.deliveryCount,
      message_annotations: annotations,
    };
  }

  private locked(token: string): StoredMessage {
    const stored = this.locks.get(token);
    if (!stored?.lock || stored.lock.until < Date.now()) {
      throw new AmqpConditionError(
        LOCK_LOST,
        `The lock supplied is invalid or has expired (${this.path}).`,
        410,
      );
    }
    return stored;
  }

  complete(token: string): void {
    const stored = this.locked(token);
    this.unlock(stored);
    this.messages.delete(stored.sequenceNumber);
  }

  abandon(token: string, properties?: Record<string, unknown>): void {
    const stored = this.locked(token);
    this.modifyProperties(stored, properties);
    this.failDelivery(stored);
  }

  /** Returned unprocessed (AMQP released): not a delivery attempt. */
  release(token: string): void {
    const stored = this.locks.get(token);
    if (!stored) return;
    this.unlock(stored);
    this.pump();
  }

  defer(token: string, properties?: Record<string, unknown>): void {
    const stored = this.locked(token);
    this.modifyProperties(stored, properties);
    this.unlock(stored);
    stored.state = 'deferred';
  }

  deadLetterLocked(token: string, details: DeadLetterDetails): void {
    this.moveToDeadLetter(this.locked(token), details);
  }

  renewLock(token: string): Date {
    return new Date(this.extendLock(this.locked(token).lock as MessageLock));
  }

  private extendLock(lock: MessageLock): number {
    clearTimeout(lock.timer);
    lock.until = Date.now() + this.settings.lockDurationMs;
    lock.timer = setTimeout(
      () => this.expire(lock.token),
      this.settings.lockDurationMs,
    );
    return lock.until;
  }

  private failDelivery(stored: StoredMessage): void {
    this.unlock(stored);
    stored.deliveryCount += 1;
    if (
      this.deadLetter &&
      stored.deliveryCount >= this.settings.maxDeliveryCount
    ) {
      this.moveToDeadLetter(stored, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      });
      return;
    }
    this.pump();
  }

  private moveToDeadLetter(
    stored: StoredMessage,
    details: DeadLetterDetails,
  ): void {
    this.unlock(stored);
    this.messages.delete(stored.sequenceNumber);
    // A dead-letter queue has no dead-letter queue of its own: dead-lettering there is a no-op.
    if (!this.deadLetter) return;
    const properties: Record<string, unknown> = {
      ...stored.message.application_properties,
      ...details.properties,
    };
    if (details.reason !== undefined)
      properties['DeadLetterReason'] = details.reason;
    if (details.description !== undefined)
      properties['DeadLetterErrorDescription'] = details.description;
    this.deadLetter.enqueue(
      {
        ...stored.message,
        application_properties: properties,
        message_annotations: {
          ...stored.message.message_annotations,
          'x-opt-deadletter-source': this.path,
        },
      },
      stored.deliveryCount,
    );
  }

  private modifyProperties(
    stored: StoredMessage,
    properties?: Record<string, unknown>,
  ): void {
    if (!properties || Object.keys(properties).length === 0) return;
    stored.message = {
      ...stored.message,
      application_properties: {
        ...stored.message.application_properties,
        ...properties,
      },
    };
  }

  /** Active, deferred and scheduled messages from a sequence number on, without locking them. */
  peek(
    fromSequenceNumber: number,
    count: number,
    sessionId?: string,
  ): StoredMessage[] {
    return [...this.messages.values()]
      .filter(
        (m) =>
          m.sequenceNumber >= fromSequenceNumber &&
          (sessionId === undefined || m.sessionId === sessionId),
      )
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count);
  }

  /** Deferred messages by sequence number; they get a lock (or leave, in receive-and-delete). */
  receiveDeferred(
    sequenceNumbers: readonly number[],
    receiveAndDelete: boolean,
    sessionId?: string,
  ): { stored: StoredMessage; token?: string }[] {
    return sequenceNumbers.map((sequenceNumber) => {
      const stored = this.messages.get(sequenceNumber);
      if (
        !stored ||
        stored.state !== 'deferred' ||
        (sessionId !== undefined && stored.sessionId !== sessionId)
      ) {
        throw new AmqpConditionError(
          'com.microsoft:message-not-found',
          `Failed to lock one or more specified messages; message ${sequenceNumber} is not deferred in ${this.path}.`,
          404,
        );
      }
      if (receiveAndDelete) {
        this.messages.delete(sequenceNumber);
        return { stored };
      }
      if (stored.lock) this.unlock(stored);
      return { stored, token: this.lock(stored).token };
    });
  }

  /** Settles a message locked through `$management` (deferred ones have no link delivery). */
  updateDisposition(
    token: string,
    status: string,
    details: DeadLetterDetails,
  ): void {
    if (status === 'completed') this.complete(token);
    else if (status === 'abandoned') this.abandon(token, details.properties);
    else if (status === 'defered') this.defer(token, details.properties);
    else if (status === 'suspended') this.deadLetterLocked(token, details);
    else
      throw new AmqpConditionError(
        'amqp:invalid-field',
        `Unknown disposition status '${status}'.`,
      );
  }

  /**
   * Locks a session for a consumer: the requested one, or (null) the first session with an
   * available message. Returns the session id, or undefined when no session is free.
   */
  acceptSession(
    consumer: Consumer,
    requested: string | null,
  ): string | undefined {
    const now = Date.now();
    const free = (id: string): boolean => {
      const lock = this.sessionLocks.get(id);
      return (
        !lock ||
        lock.until < now ||
        !this.consumers.has(lock.owner) ||
        lock.owner === consumer
      );
    };
    let sessionId: string | undefined;
    if (requested !== null) {
      if (!free(requested)) {
        throw new AmqpConditionError(
          'com.microsoft:session-cannot-be-locked',
          `Session '${requested}' is locked.`,
          410,
        );
      }
      sessionId = requested;
    } else {
      for (const stored of this.messages.values()) {
        if (
          stored.state === 'active' &&
          !stored.lock &&
          stored.sessionId !== undefined &&
          free(stored.sessionId)
        ) {
          sessionId = stored.sessionId;
          break;
        }
      }
    }
    if (sessionId === undefined) return undefined;
    this.sessionLocks.set(sessionId, {
      owner: consumer,
      until: now + this.settings.lockDurationMs,
    });
    consumer.sessionId = sessionId;
    return sessionId;
  }

  sessionLockedUntil(sessionId: string): number {
    return this.sessionLocks.get(sessionId)?.until ?? Date.now();
  }

  renewSessionLock(sessionId: string): Date {
    const lock = this.sessionLocks.get(sessionId);
    if (!lock || lock.until < Date.now()) {
      throw new AmqpConditionError(
        SESSION_LOCK_LOST,
        `The session lock for '${sessionId}' has expired.`,
        410,
      );
    }
    lock.until = Date.now() + this.settings.lockDurationMs;
    // The session lock covers the messages its receiver holds: the SDK renews only the session
    // lock on a session receiver, so their own locks must follow or a long handler loses them.
    for (const stored of this.messages.values())
      if (stored.sessionId === sessionId && stored.lock)
        this.extendLock(stored.lock);
    return new Date(lock.until);
  }

  getSessionState(sessionId: string): Buffer | undefined {
    return this.sessionStates.get(sessionId);
  }

  setSessionState(sessionId: string, state: Buffer | undefined): void {
    if (state === undefined) this.sessionStates.delete(sessionId);
    else this.sessionStates.set(sessionId, state);
  }

  close(): void {
    for (const stored of this.messages.values()) {
      this.unlock(stored);
      clearTimeout(stored.scheduleTimer);
    }
    this.deadLetter?.close();
  }
}

/** rhea's outcome constructors, which its typings leave out. */
interface Outcomes {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): {
    described(): unknown;
  };
}

/**
 * Applies a receiver's outcome to the store and settles the delivery: accepted on success (the SDK
 * treats any error in the settled state as a failed settlement), rejected with the condition otherwise.
 */
export function settleOnLink(delivery: Delivery, settle: () => void): void {
  const outcomes = amqpMessage as unknown as Outcomes;
  try {
    settle();
    delivery.update(true, outcomes.accepted().described());
  } catch (error) {
    const condition =
      error instanceof AmqpConditionError
        ? error.condition
        : 'amqp:internal-error';
    delivery.update(
      true,
      outcomes
        .rejected({
          error: { condition, description: (error as Error).message },
        })
        .described(),
    );
  }
}
