import type { EntitySettings } from '@leaf/contracts';
import type { BodyScreenOptions } from '../body/body-screen';
import type { ConsumerHandle } from '../port/message-bus.port';
import { poisonReport } from '../body/poison-report';
import type { MessageHandler } from '../port/settlement';
import { MessagingError } from '../port/messaging.error';
import type { BusStore, SessionHold, StoreAddress } from './bus-store';
import { CompletionBatcher } from './completion-batcher';
import { runHandler } from './handler-run';
import { LockedMessageSettlement } from './locked-message.settlement';
import type { MessageRow } from './message-row';
import { toReceivedMessage } from './message-row';
import type { WakeUpNotifier } from './wake-up.notifier';

export interface ConsumerOptions {
  address: StoreAddress;
  settings: EntitySettings;
  handler: MessageHandler;
  maxConcurrentCalls: number;
  maxAutoLockRenewalMs: number;
  /** The safety net when no wake-up arrives (another process's send on a server without NOTIFY). */
  pollIntervalMs: number;
  /** How bodies are checked before a handler sees them (size limit, the entity's contract). */
  screen: BodyScreenOptions;
  onError: (error: unknown) => void;
}

/** Shared by the plain and the session consumer: wake-ups, in-flight tracking, close. */
export abstract class BusConsumer implements ConsumerHandle {
  protected readonly closing = new AbortController();
  private readonly loops: Promise<void>[] = [];
  /** Handlers finishing together complete in one statement. */
  private readonly completions: CompletionBatcher;

  constructor(
    protected readonly store: BusStore,
    protected readonly notifier: WakeUpNotifier,
    protected readonly options: ConsumerOptions,
  ) {
    this.completions = new CompletionBatcher(store);
  }

  protected startLoops(count: number, loop: () => Promise<void>): void {
    for (let i = 0; i < count; i++) this.loops.push(loop());
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.loops);
  }

  protected get closed(): boolean {
    return this.closing.signal.aborted;
  }

  protected get maxDeliveryCount(): number {
    // The dead-letter queue has no maximum of its own: its messages stay until someone settles them.
    return this.options.address.deadLetter ? 2 ** 31 - 1 : this.options.settings.maxDeliveryCount;
  }

  protected settlementFor(row: MessageRow, session?: SessionHold): LockedMessageSettlement {
    const { address, settings } = this.options;
    return new LockedMessageSettlement(
      this.store,
      { address, seq: row.seq, lockToken: row.lock_token ?? '', ...(session && { session }) },
      settings.lockDurationMs,
      this.maxDeliveryCount,
      () => this.notifier.notify(address.entity),
      this.closing.signal,
      this.completions,
    );
  }

  protected get deadLetterExpired(): boolean {
    return this.options.settings.deadLetteringOnMessageExpiration;
  }

  /**
   * Never rejects: whatever goes wrong with one message is reported and left to its lock, so no
   * message can stop the consumer. A body that can never succeed (see screenBody) is
   * dead-lettered with its reason before any handler sees it; a dead-letter receiver gets it as is.
   */
  protected async handle(row: MessageRow, session?: { hold: SessionHold; renew: () => Promise<boolean> }): Promise<void> {
    const settlement = this.settlementFor(row, session?.hold);
    const renewAlso = session?.renew;
    try {
      const message = toReceivedMessage(row, this.options.screen);
      if (message.bodyProblem && !this.options.address.deadLetter) {
        await settlement.deadLetter(message.bodyProblem);
        this.options.onError(poisonReport(this.options.address.entity, this.options.address.subscription, message));
        return;
      }
      await runHandler(this.options.handler, message, settlement, {
        lockMs: this.options.settings.lockDurationMs,
        maxAutoLockRenewalMs: this.options.maxAutoLockRenewalMs,
        closing: this.closing.signal,
        renewAlso,
        onError: this.options.onError,
      });
    } catch (error) {
      this.options.onError(error);
    }
  }

  /** Sleeps until a send wakes this entity, the next delayed/scheduled/locked message is due, or the poll interval. */
  protected async idle(seenVersion: number, readyButHeldMs = 0): Promise<void> {
    const { address, pollIntervalMs } = this.options;
    const { dueMs: due } = await this.store.idleScan(address, this.maxDeliveryCount, this.deadLetterExpired);
    // A few milliseconds past the due time: the database clock decides, and must see it passed.
    // Ready messages we could not take are held by someone (a session lock): wait for a release.
    const wait = due === undefined ? pollIntervalMs : Math.min(pollIntervalMs, due < 1 ? Math.max(5, readyButHeldMs) : due + 5);
    await this.notifier.wait(address.entity, seenVersion, wait, this.closing.signal);
  }

  /** A database error must not kill the consumer: back off and try again. */
  protected async survive(error: unknown): Promise<void> {
    if (this.closed) return;
    this.options.onError(error);
    const { entity } = this.options.address;
    await this.notifier.wait(entity, this.notifier.version(entity), this.options.pollIntervalMs, this.closing.signal);
  }
}

/** Peek-lock receiver: claims as many ready messages as it has free handler slots. */
export class QueueConsumer extends BusConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private lastIdleScan = 0;

  start(): this {
    this.startLoops(1, () => this.pump());
    return this;
  }

  private async pump(): Promise<void> {
    const { address, settings, maxConcurrentCalls } = this.options;
    while (!this.closed) {
      try {
        const free = maxConcurrentCalls - this.inFlight.size;
        if (free <= 0) {
          await Promise.race(this.inFlight);
          continue;
        }
        const seen = this.notifier.version(address.entity);
        const rows = await this.store.claim(address, free, settings.lockDurationMs, this.maxDeliveryCount);
        for (const row of rows) {
          const run = this.handle(row).finally(() => this.inFlight.delete(run));
          this.inFlight.add(run);
        }
        // Fewer than asked for means nothing else was ready: wait rather than ask again. A send since
        // `seen` was taken ends the wait at once, and then the idle scan (sweeps, next due time) is
        // skipped: under steady traffic it would cost a round trip per claim. It still runs at
        // least once per poll interval, so exhausted and expired messages are settled.
        if (rows.length < free) {
          if (this.notifier.version(address.entity) !== seen && Date.now() - this.lastIdleScan < this.options.pollIntervalMs) continue;
          this.lastIdleScan = Date.now();
          await this.idle(seen);
        }
      } catch (error) {
        await this.survive(error);
      }
    }
    await Promise.all(this.inFlight);
  }
}

/** Session receiver: each loop holds one session at a time and handles its messages in order. */
export class SessionConsumer extends BusConsumer {
  start(): this {
    this.startLoops(this.options.maxConcurrentCalls, () => this.sessionLoop());
    return this;
  }

  private async sessionLoop(): Promise<void> {
    const { address, settings } = this.options;
    let misses = 0;
    while (!this.closed) {
      try {
        const seen = this.notifier.version(address.entity);
        const session = await this.store.acquireSession(address, settings.lockDurationMs);
        if (!session) {
          // Another loop may just have won the same session while others are free: look again once.
          if (++misses < 3) continue;
          misses = 0;
          // A held session's lock lapses within one lock duration unless renewed; its release wakes us sooner.
          await this.idle(seen, settings.lockDurationMs);
          continue;
        }
        misses = 0;
        await this.drainSession(session);
      } catch (error) {
        await this.survive(error);
      }
    }
  }

  private async drainSession(hold: SessionHold): Promise<void> {
    const { address, settings } = this.options;
    const renew = () => this.store.renewSession(address, hold, settings.lockDurationMs);
    try {
      while (!this.closed) {
        const row = await this.store.claimInSession(address, hold, settings.lockDurationMs, this.maxDeliveryCount);
        if (!row) {
          if ((await this.store.sweep(address, this.maxDeliveryCount, this.deadLetterExpired)) > 0) continue;
          // The session moved on without us (our lock lapsed and another receiver took it): say so, take nothing more of it.
          if (!(await this.store.sessionHeld(address, hold))) {
            this.options.onError(
              new MessagingError('SESSION_LOCK_LOST', `the lock of session ${hold.sessionId} on ${address.entity} expired or another receiver holds it`),
            );
          }
          return;
        }
        await this.handle(row, { hold, renew });
        if (!(await renew())) return;
      }
    } finally {
      await this.store.releaseSession(address, hold);
      // Messages that arrived while the session was held woke nobody who could take them.
      this.notifier.notify(address.entity);
    }
  }
}
