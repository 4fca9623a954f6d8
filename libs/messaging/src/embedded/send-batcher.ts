import type { EntityName } from '@leaf/contracts';
import type { BusStore, StoredMessage } from './bus-store';

interface Waiting {
  messages: StoredMessage[];
  windowMs: number;
  resolve: (seqs: string[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for sends: while one INSERT to an entity is on its way, the sends to that entity
 * that arrive wait and go together in the next one (one round trip and one durable commit for
 * many). A send with no statement in flight goes at once, so a quiet bus pays nothing. Each send
 * keeps its own sequence numbers, in its own order; sends whose message ids collide with one
 * already in the batch go in a later statement, so duplicate detection sees them in turn.
 */
export class SendBatcher {
  private readonly queues = new Map<EntityName, { pending: Waiting[]; flushing: boolean }>();

  constructor(
    private readonly store: BusStore,
    private readonly maxMessages = 500,
  ) {}

  insert(entity: EntityName, messages: StoredMessage[], windowMs: number): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      let queue = this.queues.get(entity);
      if (!queue) this.queues.set(entity, (queue = { pending: [], flushing: false }));
      queue.pending.push({ messages, windowMs, resolve, reject });
      if (!queue.flushing) void this.flush(entity, queue);
    });
  }

  private async flush(entity: EntityName, queue: { pending: Waiting[]; flushing: boolean }): Promise<void> {
    queue.flushing = true;
    try {
      while (queue.pending.length > 0) {
        const batch = this.take(queue.pending);
        try {
          const seqs = await this.store.insert(
            entity,
            batch.flatMap((w) => w.messages),
            batch[0].windowMs,
          );
          let at = 0;
          for (const w of batch) {
            w.resolve(seqs.slice(at, at + w.messages.length));
            at += w.messages.length;
          }
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      queue.flushing = false;
      if (queue.pending.length === 0) this.queues.delete(entity);
    }
  }

  /** The longest prefix of sends with one window, distinct message ids and a bounded size (always at least one). */
  private take(pending: Waiting[]): Waiting[] {
    const ids = new Set<string>();
    let count = 0;
    let n = 0;
    for (const w of pending) {
      if (n > 0 && (w.windowMs !== pending[0].windowMs || count + w.messages.length > this.maxMessages || w.messages.some((m) => ids.has(m.messageId)))) break;
      for (const m of w.messages) ids.add(m.messageId);
      count += w.messages.length;
      n++;
    }
    return pending.splice(0, n);
  }
}
