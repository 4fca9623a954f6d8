import { randomUUID } from 'node:crypto';
import type { CorrelationFilter } from '@leaf/contracts';
import type { Message } from 'rhea';
import { AmqpConditionError, type MessageStore } from './message-store';

/** Remembers message ids for the entity's duplicate-detection window. */
export class DuplicateDetector {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when this message id was already accepted within the window (the send is then dropped). */
  isDuplicate(messageId: unknown): boolean {
    if (messageId === undefined || messageId === null || this.windowMs <= 0) return false;
    const key = Buffer.isBuffer(messageId) ? messageId.toString('hex') : String(messageId);
    const now = Date.now();
    for (const [id, at] of this.seen) {
      if (at + this.windowMs > now) break;
      this.seen.delete(id);
    }
    if (this.seen.has(key)) return true;
    this.seen.set(key, now);
    return false;
  }
}

export function matchesFilter(message: Message, filter: CorrelationFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.correlationId !== undefined && message.correlation_id !== filter.correlationId) return false;
  if (filter.subject !== undefined && message.subject !== filter.subject) return false;
  if (filter.sessionId !== undefined && message.group_id !== filter.sessionId) return false;
  const props: Record<string, unknown> = message.application_properties ?? {};
  return Object.entries(filter.applicationProperties ?? {}).every(([key, value]) => props[key] === value);
}

// Service Bus gives every message an id; the SDK's lock renewer relies on it.
function withMessageId(message: Message): Message {
  return message.message_id == null ? { ...message, message_id: randomUUID().replace(/-/g, '') } : message;
}

interface Scheduled {
  readonly stores: readonly MessageStore[];
  readonly timer: NodeJS.Timeout;
}

export interface SendTargetOptions {
  readonly duplicates: DuplicateDetector;
  readonly routes: readonly {
    store: MessageStore;
    filter?: CorrelationFilter;
  }[];
  /** A queue that requires sessions refuses a message without one (a topic routes it, see MessageStore.enqueue). */
  readonly requiresSession: boolean;
  /** The topic's own time-to-live, capping the sender's; a queue's is its store's. */
  readonly defaultMessageTimeToLiveMs: number;
}

/**
 * What a sender link or a schedule request addresses: a queue (one store) or a topic (fanned out
 * to the subscriptions whose filter matches). It numbers its messages on its own, as Service Bus
 * numbers each entity (a topic's subscriptions share its numbers). Scheduled messages wait in
 * those stores, where peek sees them, and get a new number when they activate.
 */
export class SendTarget {
  private sequence = 0;
  private readonly scheduled = new Map<number, Scheduled>();

  constructor(
    readonly path: string,
    private readonly options: SendTargetOptions,
  ) {}

  private next(): number {
    return ++this.sequence;
  }

  /** Throws (nothing is stored) when a message may not be sent here; checked for a whole batch before any is sent. */
  check(message: Message): void {
    if (this.options.requiresSession && typeof message.group_id !== 'string') {
      throw new AmqpConditionError(
        'amqp:not-allowed',
        `The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value. (${this.path})`,
      );
    }
  }

  send(message: Message): void {
    this.check(message);
    if (this.options.duplicates.isDuplicate(message.message_id)) return;
    const sequenceNumber = this.next();
    const routed = this.capped(withMessageId(message));
    for (const store of this.storesFor(routed)) store.enqueue(routed, sequenceNumber);
  }

  private storesFor(message: Message): MessageStore[] {
    return this.options.routes.filter(({ filter }) => matchesFilter(message, filter)).map(({ store }) => store);
  }

  /** The topic's time-to-live caps the sender's before the subscriptions cap it further. */
  private capped(message: Message): Message {
    const ttl = this.options.defaultMessageTimeToLiveMs;
    const own = typeof message.ttl === 'number' && message.ttl > 0 ? message.ttl : Infinity;
    return own > ttl ? { ...message, ttl } : message;
  }

  schedule(message: Message, enqueueAt: number): number {
    this.check(message);
    const sequenceNumber = this.next();
    if (this.options.duplicates.isDuplicate(message.message_id)) return sequenceNumber;
    const routed = this.capped(withMessageId(message));
    const stores = this.storesFor(routed);
    for (const store of stores) store.schedule(routed, enqueueAt, sequenceNumber);
    const timer = setTimeout(
      () => {
        this.scheduled.delete(sequenceNumber);
        // Active now, under a new number shared by every subscription's copy.
        const activeAs = this.next();
        for (const store of stores) store.activate(sequenceNumber, activeAs);
      },
      Math.max(0, enqueueAt - Date.now()),
    );
    this.scheduled.set(sequenceNumber, { stores, timer });
    return sequenceNumber;
  }

  cancelScheduled(sequenceNumber: number): void {
    const scheduled = this.scheduled.get(sequenceNumber);
    if (!scheduled) return;
    clearTimeout(scheduled.timer);
    for (const store of scheduled.stores) store.cancelScheduled(sequenceNumber);
    this.scheduled.delete(sequenceNumber);
  }

  close(): void {
    for (const { timer } of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
  }
}
