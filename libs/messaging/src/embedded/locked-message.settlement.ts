import type { ApplicationProperties } from '../port/message';
import { MessagingError } from '../port/messaging.error';
import type { Settlement } from '../port/settlement';
import type { BusStore, LockKey } from './bus-store';
import type { CompletionBatcher } from './completion-batcher';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * The settlement of one peek-locked delivery. The database decides whether the lock is still
 * held (token and expiry, and for a session's message the session lock too), so a settlement
 * after expiry fails even if another consumer has not taken the message yet.
 */
export class LockedMessageSettlement implements Settlement {
  private settled = false;

  constructor(
    private readonly store: BusStore,
    readonly key: LockKey,
    private readonly lockMs: number,
    private readonly maxDeliveryCount: number,
    /** Called after a settlement that makes the message receivable again (abandon, dead-letter). */
    private readonly onRequeued: () => void,
    /** Ends a session's delayed abandon early (the consumer is closing). */
    private readonly closing?: AbortSignal,
    /** A consumer's batcher: its completions share statements (not for a session's messages). */
    private readonly completions?: CompletionBatcher,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  complete(): Promise<void> {
    const batcher = !this.key.session && uuid.test(this.key.lockToken) ? this.completions : undefined;
    return this.settle('complete', () => (batcher ? batcher.complete(this.key) : this.store.complete(this.key)));
  }

  async abandon(options: { delayMs?: number; propertiesToModify?: ApplicationProperties } = {}): Promise<void> {
    let delayMs = Math.max(0, options.delayMs ?? 0);
    if (this.key.session && delayMs > 0) {
      // In a session the message must stay the session's next: hold the session (the handler run
      // keeps renewing both locks while this is unsettled) for the delay, then put it back at once.
      await pause(delayMs, this.closing);
      delayMs = 0;
    }
    await this.settle('abandon', () => this.store.abandon(this.key, delayMs, options.propertiesToModify, this.maxDeliveryCount));
    this.onRequeued();
  }

  async deadLetter(options: { reason: string; description?: string }): Promise<void> {
    await this.settle('dead-letter', () => this.store.deadLetter(this.key, options.reason, options.description));
    this.onRequeued();
  }

  defer(): Promise<void> {
    return this.settle('defer', () => this.store.defer(this.key));
  }

  async renewLock(): Promise<Date> {
    if (this.settled) throw await this.lockLost('renew the lock of');
    const until = await this.store.renew(this.key, this.lockMs);
    if (!until) throw await this.lockLost('renew the lock of');
    return until;
  }

  private async settle(what: string, run: () => Promise<boolean>): Promise<void> {
    if (this.settled) throw await this.lockLost(what);
    let done: boolean;
    try {
      done = await run();
    } catch (error) {
      throw new MessagingError('MESSAGING_UNAVAILABLE', `could not ${what} message ${this.key.seq}`, { cause: error });
    }
    if (!done) throw await this.lockLost(what);
    this.settled = true;
  }

  private async lockLost(what: string): Promise<MessagingError> {
    const { session, address } = this.key;
    if (!this.settled && session && !(await this.store.sessionHeld(address, session).catch(() => true))) {
      return new MessagingError(
        'SESSION_LOCK_LOST',
        `cannot ${what} message ${this.key.seq}: the lock of session ${session.sessionId} expired or another receiver holds it`,
      );
    }
    return new MessagingError('MESSAGE_LOCK_LOST', `cannot ${what} message ${this.key.seq}: already settled, or its lock expired`);
  }
}
