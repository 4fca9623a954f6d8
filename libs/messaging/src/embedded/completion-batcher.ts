import type { BusStore, LockKey } from './bus-store';

interface Waiting {
  key: LockKey;
  resolve: (completed: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Completes peek-locked messages in batches: while one DELETE is on its way, the completions that
 * arrive wait and go together in the next one (one round trip and one commit for many). With no
 * statement in flight a completion goes at once (after the current tick), so a quiet bus pays no
 * extra latency. Each key is still checked on its own (token, lock not expired): one lost lock
 * does not fail its neighbours. Session messages are not batched (their settlement also checks
 * the session lock): see LockedMessageSettlement.
 */
export class CompletionBatcher {
  private pending: Waiting[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly store: BusStore,
    private readonly maxBatch = 256,
  ) {}

  complete(key: LockKey): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // Completions of the same tick (handlers finishing together) share the first statement too.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      const completed = await this.store.completeMany(batch.map((w) => w.key));
      for (const w of batch) w.resolve(completed.has(completionId(w.key)));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) void this.flush();
    }
  }
}

/** How `completeMany` names a completed message: address and sequence number. */
export const completionId = (key: Pick<LockKey, 'address' | 'seq'>) => `${key.address.entity}\u0000${key.address.subscription}\u0000${key.seq}`;
