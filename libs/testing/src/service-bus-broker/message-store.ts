import type { EntitySettings } from '@leaf/contracts';
import { message as amqpMessage, types, type Delivery, type Message, type Sender } from 'rhea';
import { newLockToken } from './lock-token';

export interface StoredMessage {
  readonly sequenceNumber: number;
  message: Message;
  enqueuedAt: number;
  /** Time-to-live: past this it is never delivered (dead-lettered or dropped when a receiver next looks). */
  expiresAt: number | undefined;
  deliveryCount: number;
  state: 'active' | 'deferred' | 'scheduled';
  readonly sessionId: string | undefined;
  lock?: MessageLock;
}

interface MessageLock {
  readonly token: string;
  readonly tag: Buffer;
  until: number;
  /** A session's messages have no timer of their own: the session lock's expiry ends them. */
  timer: NodeJS.Timeout | undefined;
  /** The link it was delivered on (none when received by sequence number). */
  readonly owner: Consumer | undefined;
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

/** What Service Bus writes on a message that expired in an entity that dead-letters on expiration. */
export const TTL_EXPIRED = {
  reason: 'TTLExpiredException',
  description: 'The message expired and was dead lettered.',
} as const;
/** What Service Bus writes on a topic's copy without a session id for a session subscription. */
export const SESSION_ID_NULL = {
  reason: 'Session id is null.',
  description: "Session enabled entity doesn't allow a message whose session identifier is null.",
} as const;

/** The effective time-to-live: the sender's (AMQP header ttl), capped by the entity's default. */
export function timeToLiveOf(message: Message, defaultMs: number): number {
  const own = typeof message.ttl === 'number' && message.ttl > 0 ? message.ttl : Infinity;
  return Math.min(own, defaultMs);
}

export interface DeadLetterDetails {
  readonly reason?: string;
  readonly description?: string;
  readonly properties?: Record<string, unknown>;
}

interface SessionLock {
  owner: Consumer;
  until: number;
  timer: NodeJS.Timeout;
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
    readonly deadLetter?: MessageStore,
  ) {}

  get size(): number {
    return this.messages.size;
  }

  /**
   * Stores a message under the sequence number its queue or topic gave it (a dead-lettered
   * message keeps its number, as in Service Bus). A copy for a session entity without a session
   * id is dead-lettered at once, as Service Bus does with a topic's copy.
   */
  enqueue(message: Message, sequenceNumber: number, deliveryCount = 0): void {
    const stored = this.stored(message, sequenceNumber, 'active', Date.now());
    stored.deliveryCount = deliveryCount;
    this.messages.set(sequenceNumber, stored);
    if (this.deadLetter && this.settings.requiresSession && stored.sessionId === undefined) {
      this.moveToDeadLetter(stored, SESSION_ID_NULL);
      return;
    }
    this.pump();
  }

  private stored(message: Message, sequenceNumber: number, state: StoredMessage['state'], enqueuedAt: number): StoredMessage {
    const sessionId = typeof message.group_id === 'string' ? message.group_id : undefined;
    // In a dead-letter queue nothing expires.
    const ttl = this.deadLetter ? timeToLiveOf(message, this.settings.defaultMessageTimeToLiveMs) : Infinity;
    return {
      sequenceNumber,
      // The receiver computes the expiry from the header's ttl: give it the effective one.
      message: Number.isFinite(ttl) ? { ...message, ttl } : message,
      enqueuedAt,
      expiresAt: Number.isFinite(ttl) ? enqueuedAt + ttl : undefined,
      deliveryCount: 0,
      state,
      sessionId,
    };
  }

  /**
   * Holds a message in the store as scheduled (peek shows it, receivers do not) until its queue
   * or topic activates it (see SendTarget), under the number given when the schedule was accepted.
   */
  schedule(message: Message, enqueueAt: number, sequenceNumber: number): void {
    this.messages.set(sequenceNumber, this.stored(message, sequenceNumber, 'scheduled', enqueueAt));
  }

  /**
   * A scheduled message becomes active under a NEW sequence number, behind everything sent in
   * the meantime, and its time-to-live starts now, as in Service Bus.
   */
  activate(scheduledAs: number, sequenceNumber: number): void {
    const scheduled = this.messages.get(scheduledAs);
    if (scheduled?.state !== 'scheduled') return;
    this.messages.delete(scheduledAs);
    this.enqueue(scheduled.message, sequenceNumber);
  }

  /** Removes a message that is still scheduled; one already enqueued stays (as in Service Bus). */
  cancelScheduled(sequenceNumber: number): void {
    if (this.messages.get(sequenceNumber)?.state === 'scheduled') this.messages.delete(sequenceNumber);
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
    this.pump();
  }

  /**
   * A receiver went away. A session it held is free again; the session's messages it held locked
   * are released, not counted as a failed delivery (as Service Bus does when a session is closed).
   */
  removeConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer);
    for (const [id, lock] of this.sessionLocks) {
      if (lock.owner !== consumer) continue;
      clearTimeout(lock.timer);
      this.sessionLocks.delete(id);
      for (const stored of this.messages.values()) if (stored.sessionId === id && stored.lock) this.unlock(stored);
    }
    this.pump();
  }

  /** Sends available messages to every consumer with credit. */
  pump(): void {
    for (const consumer of this.consumers) this.pumpOne(consumer);
  }

  pumpOne(consumer: Consumer): void {
    let credit = unusedCredit(consumer.link);
    while (credit > 0 && consumer.link.is_open()) {
      const next = this.nextFor(consumer);
      if (!next) return;
      this.deliver(consumer, next);
      credit -= 1;
    }
  }

  /** The lowest-numbered message this receiver may take now; expired ones met on the way are settled. */
  private nextFor(consumer: Consumer): StoredMessage | undefined {
    if (this.settings.requiresSession && !this.holdsSession(consumer)) return undefined;
    this.expireDue();
    let next: StoredMessage | undefined;
    for (const stored of this.messages.values()) {
      if (stored.state !== 'active' || stored.lock) continue;
      if (this.settings.requiresSession && stored.sessionId !== consumer.sessionId) continue;
      if (!next || stored.sequenceNumber < next.sequenceNumber) next = stored;
    }
    return next;
  }

  private holdsSession(consumer: Consumer): boolean {
    const lock = consumer.sessionId === undefined ? undefined : this.sessionLocks.get(consumer.sessionId);
    return lock?.owner === consumer && lock.until >= Date.now();
  }

  /**
   * Expired messages that nobody holds leave: to the dead-letter queue (TTLExpiredException)
   * when the entity asks for it, otherwise dropped. Like Service Bus, only when a receiver looks.
   */
  private expireDue(): void {
    if (!this.deadLetter) return;
    const now = Date.now();
    for (const stored of [...this.messages.values()]) {
      if (stored.state === 'scheduled' || stored.lock || stored.expiresAt === undefined || stored.expiresAt > now) continue;
      if (this.settings.deadLetteringOnMessageExpiration) this.moveToDeadLetter(stored, TTL_EXPIRED);
      else this.messages.delete(stored.sequenceNumber);
    }
  }

  private deliver(consumer: Consumer, stored: StoredMessage): void {
    if (consumer.receiveAndDelete) {
      this.messages.delete(stored.sequenceNumber);
      consumer.link.send(this.wireMessage(stored), Buffer.alloc(0));
      return;
    }
    const lock = this.lock(stored, consumer);
    consumer.link.send(this.wireMessage(stored), lock.tag);
  }

  private lock(stored: StoredMessage, owner?: Consumer): MessageLock {
    const { tag, token } = newLockToken();
    const session = stored.sessionId === undefined ? undefined : this.sessionLocks.get(stored.sessionId);
    // A session's message is locked by its session: it lapses with the session lock, not on its own.
    const bySession = this.settings.requiresSession && session !== undefined;
    const until = bySession ? session.until : Date.now() + this.settings.lockDurationMs;
    const timer = bySession ? undefined : setTimeout(() => this.expire(token), this.settings.lockDurationMs);
    stored.lock = { tag, token, until, timer, owner };
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
    if (stored.lock) annotations['x-opt-locked-until'] = new Date(stored.lock.until);
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
    if (this.settings.requiresSession && stored?.sessionId !== undefined) {
      const session = this.sessionLocks.get(stored.sessionId);
      const owner = stored.lock?.owner;
      if (!session || session.until < Date.now() || (owner !== undefined && session.owner !== owner)) {
        throw new AmqpConditionError(
          SESSION_LOCK_LOST,
          `The session lock has expired on the session '${stored.sessionId}' (${this.path}). Accept a new session.`,
          410,
        );
      }
    }
    if (!stored?.lock || stored.lock.until < Date.now()) {
      throw new AmqpConditionError(LOCK_LOST, `The lock supplied is invalid or has expired (${this.path}).`, 410);
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
    lock.until = Date.now() + this.settings.lockDurationMs;
    if (lock.timer !== undefined) {
      clearTimeout(lock.timer);
      lock.timer = setTimeout(() => this.expire(lock.token), this.settings.lockDurationMs);
    }
    return lock.until;
  }

  private failDelivery(stored: StoredMessage): void {
    this.unlock(stored);
    stored.deliveryCount += 1;
    if (this.deadLetter && stored.deliveryCount >= this.settings.maxDeliveryCount) {
      this.moveToDeadLetter(stored, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      });
      return;
    }
    this.pump();
  }

  private moveToDeadLetter(stored: StoredMessage, details: DeadLetterDetails): void {
    this.unlock(stored);
    this.messages.delete(stored.sequenceNumber);
    // A dead-letter queue has no dead-letter queue of its own: dead-lettering there is a no-op.
    if (!this.deadLetter) return;
    const properties: Record<string, unknown> = {
      ...stored.message.application_properties,
      ...details.properties,
    };
    if (details.reason !== undefined) properties['DeadLetterReason'] = details.reason;
    if (details.description !== undefined) properties['DeadLetterErrorDescription'] = details.description;
    this.deadLetter.enqueue(
      {
        ...stored.message,
        application_properties: properties,
        message_annotations: {
          ...stored.message.message_annotations,
          'x-opt-deadletter-source': this.path,
        },
      },
      stored.sequenceNumber,
      stored.deliveryCount,
    );
  }

  private modifyProperties(stored: StoredMessage, properties?: Record<string, unknown>): void {
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
  peek(fromSequenceNumber: number, count: number, sessionId?: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.sequenceNumber >= fromSequenceNumber && (sessionId === undefined || m.sessionId === sessionId))
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count);
  }

  /** Deferred messages by sequence number; they get a lock (or leave, in receive-and-delete). */
  receiveDeferred(sequenceNumbers: readonly number[], receiveAndDelete: boolean, sessionId?: string): { stored: StoredMessage; token?: string }[] {
    return sequenceNumbers.map((sequenceNumber) => {
      const stored = this.messages.get(sequenceNumber);
      if (!stored || stored.state !== 'deferred' || (sessionId !== undefined && stored.sessionId !== sessionId)) {
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
  updateDisposition(token: string, status: string, details: DeadLetterDetails): void {
    if (status === 'completed') this.complete(token);
    else if (status === 'abandoned') this.abandon(token, details.properties);
    else if (status === 'defered') this.defer(token, details.properties);
    else if (status === 'suspended') this.deadLetterLocked(token, details);
    else throw new AmqpConditionError('amqp:invalid-field', `Unknown disposition status '${status}'.`);
  }

  /**
   * Locks a session for a consumer: the requested one, or (null) the first session with an
   * available message. Returns the session id, or undefined when no session is free.
   */
  acceptSession(consumer: Consumer, requested: string | null): string | undefined {
    const now = Date.now();
    const free = (id: string): boolean => {
      const lock = this.sessionLocks.get(id);
      return !lock || lock.until < now || !this.consumers.has(lock.owner) || lock.owner === consumer;
    };
    this.expireDue();
    let sessionId: string | undefined;
    if (requested !== null) {
      if (!free(requested)) {
        throw new AmqpConditionError('com.microsoft:session-cannot-be-locked', `Session '${requested}' is locked.`, 410);
      }
      sessionId = requested;
    } else {
      for (const stored of this.messages.values()) {
        if (stored.state === 'active' && !stored.lock && stored.sessionId !== undefined && free(stored.sessionId)) {
          sessionId = stored.sessionId;
          break;
        }
      }
    }
    if (sessionId === undefined) return undefined;
    const previous = this.sessionLocks.get(sessionId);
    if (previous && previous.owner !== consumer) this.loseSession(sessionId);
    else clearTimeout(previous?.timer);
    const lockedId = sessionId;
    this.sessionLocks.set(sessionId, {
      owner: consumer,
      until: now + this.settings.lockDurationMs,
      timer: setTimeout(() => this.loseSession(lockedId), this.settings.lockDurationMs),
    });
    consumer.sessionId = sessionId;
    return sessionId;
  }

  /**
   * A session lock ran out (or a new receiver took the lapsed session): its holder's link is
   * closed with SessionLockLost, as Service Bus does, so it can neither receive nor settle
   * anything more of the session; the messages it held count as a failed delivery and go to the
   * session's next receiver.
   */
  private loseSession(sessionId: string): void {
    const lock = this.sessionLocks.get(sessionId);
    if (!lock) return;
    clearTimeout(lock.timer);
    this.sessionLocks.delete(sessionId);
    this.consumers.delete(lock.owner);
    if (lock.owner.link.is_open())
      lock.owner.link.close({
        condition: SESSION_LOCK_LOST,
        description: `The session lock has expired on the session '${sessionId}'. Accept a new session.`,
      });
    for (const stored of [...this.messages.values()]) if (stored.sessionId === sessionId && stored.lock) this.failDelivery(stored);
    this.pump();
  }

  sessionLockedUntil(sessionId: string): number {
    return this.sessionLocks.get(sessionId)?.until ?? Date.now();
  }

  renewSessionLock(sessionId: string): Date {
    const lock = this.sessionLocks.get(sessionId);
    if (!lock || lock.until < Date.now()) {
      throw new AmqpConditionError(SESSION_LOCK_LOST, `The session lock for '${sessionId}' has expired.`, 410);
    }
    lock.until = Date.now() + this.settings.lockDurationMs;
    clearTimeout(lock.timer);
    lock.timer = setTimeout(() => this.loseSession(sessionId), this.settings.lockDurationMs);
    // The session lock covers the messages its receiver holds: the SDK renews only the session
    // lock on a session receiver, so their own locks must follow or a long handler loses them.
    for (const stored of this.messages.values()) if (stored.sessionId === sessionId && stored.lock) this.extendLock(stored.lock);
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
    for (const stored of this.messages.values()) this.unlock(stored);
    for (const lock of this.sessionLocks.values()) clearTimeout(lock.timer);
    this.deadLetter?.close();
  }
}

/** The parts of rhea's session that its typings leave out: deliveries queued but not yet transferred. */
interface OutgoingDeliveries {
  credit: number;
  session?: {
    outgoing?: {
      next_pending_delivery: number;
      next_delivery_id: number;
      deliveries: { by_id(id: number): { link?: unknown } | undefined };
    };
  };
}

/**
 * Credit the receiver has given that no delivery is using yet. rhea takes credit only when it
 * writes a transfer (later in the same turn), so `sendable()` alone would hand a receiver that
 * asked for one message every message there is, locking them all for it.
 */
function unusedCredit(link: Sender): number {
  if (!link.sendable()) return 0;
  const outgoing = (link as unknown as OutgoingDeliveries).session?.outgoing;
  let queued = 0;
  if (outgoing)
    for (let id = outgoing.next_pending_delivery; id < outgoing.next_delivery_id; id++) if (outgoing.deliveries.by_id(id)?.link === link) queued += 1;
  return Math.max(0, (link as unknown as OutgoingDeliveries).credit - queued);
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
    const condition = error instanceof AmqpConditionError ? error.condition : 'amqp:internal-error';
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
