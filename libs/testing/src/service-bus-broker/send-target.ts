import { randomUUID } from 'node:crypto';
import type { CorrelationFilter } from '@leaf/contracts';
import type { Message } from 'rhea';
import type { MessageStore } from './message-store';

/** Remembers message ids for the entity's duplicate-detection window. */
export class DuplicateDetector {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when this message id was already accepted within the window (the send is then dropped). */
  isDuplicate(messageId: unknown): boolean {
    if (messageId === undefined || messageId === null || this.windowMs <= 0)
      return false;
    const key = Buffer.isBuffer(messageId)
      ? messageId.toString('hex')
      : String(messageId);
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

export function matchesFilter(
  message: Message,
  filter: CorrelationFilter | undefined,
): boolean {
  if (!filter) return true;
  if (
    filter.correlationId !== undefined &&
    message.correlation_id !== filter.correlationId
  )
    return false;
  if (filter.subject !== undefined && message.subject !== filter.subject)
    return false;
  if (filter.sessionId !== undefined && message.group_id !== filter.sessionId)
    return false;
  const props: Record<string, unknown> = message.application_properties ?? {};
  return Object.entries(filter.applicationProperties ?? {}).every(
    ([key, value]) => props[key] === value,
  );
}

// Service Bus gives every message an id; the SDK's lock renewer relies on it.
function withMessageId(message: Message): Message {
  return message.message_id == null
    ? { ...message, message_id: randomUUID().replace(/-/g, '') }
    : message;
}

interface ScheduledCopy {
  readonly store: MessageStore;
  readonly sequenceNumber: number;
}

/**
 * What a sender link or a schedule request addresses: a queue (one store) or a topic (fanned out
 * to the subscriptions whose filter matches). Scheduled messages wait in those stores, where peek
 * sees them; this remembers which copies a schedule's sequence number stands for, to cancel them.
 */
export class SendTarget {
  private readonly scheduled = new Map<number, readonly ScheduledCopy[]>();

  constructor(
    readonly path: string,
    private readonly duplicates: DuplicateDetector,
    private readonly routes: readonly {
      store: MessageStore;
      filter?: CorrelationFilter;
    }[],
    private readonly nextSequence: () => number,
  ) {}

  send(message: Message): void {
    if (this.duplicates.isDuplicate(message.message_id)) return;
    this.route(withMessageId(message));
  }

  private route(message: Message): void {
    for (const { store, filter } of this.routes) {
      if (matchesFilter(message, filter)) store.enqueue(message);
    }
  }

  schedule(message: Message, enqueueAt: number): number {
    const sequenceNumber = this.nextSequence();
    if (this.duplicates.isDuplicate(message.message_id)) return sequenceNumber;
    const withId = withMessageId(message);
    // A queue's copy keeps the number the sender got; each subscription numbers its own copy.
    const single = this.routes.length === 1;
    const copies = this.routes
      .filter(({ filter }) => matchesFilter(withId, filter))
      .map(({ store }) => ({
        store,
        sequenceNumber: store.schedule(
          withId,
          enqueueAt,
          single ? sequenceNumber : undefined,
        ),
      }));
    this.scheduled.set(sequenceNumber, copies);
    return sequenceNumber;
  }

  cancelScheduled(sequenceNumber: number): void {
    for (const copy of this.scheduled.get(sequenceNumber) ?? [])
      copy.store.cancelScheduled(copy.sequenceNumber);
    this.scheduled.delete(sequenceNumber);
  }

  close(): void {
    this.scheduled.clear();
  }
}
