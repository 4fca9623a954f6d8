import type { ReceivedMessage } from '../port/message';
import type { HandlerContext, MessageHandler } from '../port/settlement';
import type { LockedMessageSettlement } from './locked-message.settlement';

export interface HandlerRunOptions {
  lockMs: number;
  maxAutoLockRenewalMs: number;
  /** The consumer's signal: closing it aborts the handler's signal too. */
  closing: AbortSignal;
  /** Extra work on each renewal tick (a session's lock). Returns false when that lock is lost. */
  renewAlso?: () => Promise<boolean>;
  onError?: (error: unknown) => void;
}

/**
 * Runs a handler under the Service Bus contract: its lock is renewed while it runs, returning
 * completes, throwing abandons (which dead-letters on the last allowed delivery).
 */
export async function runHandler(
  handler: MessageHandler,
  message: ReceivedMessage,
  settlement: LockedMessageSettlement,
  options: HandlerRunOptions,
): Promise<void> {
  const lost = new AbortController();
  const signal = AbortSignal.any([lost.signal, options.closing]);
  const stopRenewing = renewWhileRunning(settlement, options, () => lost.abort());
  const context: HandlerContext = {
    signal,
    complete: () => settlement.complete(),
    abandon: (o) => settlement.abandon(o),
    deadLetter: (o) => settlement.deadLetter(o),
    defer: () => settlement.defer(),
    renewLock: () => settlement.renewLock(),
  };
  try {
    await handler(message, context);
    if (!settlement.isSettled) await settlement.complete();
  } catch (error) {
    if (!settlement.isSettled) {
      // A lost lock means someone else may already have the message: nothing left to settle here.
      await settlement.abandon().catch((abandonError: unknown) => options.onError?.(abandonError));
    }
    options.onError?.(error);
  } finally {
    stopRenewing();
  }
}

function renewWhileRunning(settlement: LockedMessageSettlement, options: HandlerRunOptions, onLost: () => void): () => void {
  if (options.maxAutoLockRenewalMs <= 0) return () => undefined;
  const until = Date.now() + options.maxAutoLockRenewalMs;
  // Renew at a third of the lock so one slow round trip does not let it lapse.
  const interval = Math.max(50, Math.floor(options.lockMs / 3));
  const timer = setInterval(() => {
    if (Date.now() > until || settlement.isSettled) return clearInterval(timer);
    void Promise.all([settlement.renewLock(), options.renewAlso?.() ?? Promise.resolve(true)]).then(
      ([, sessionHeld]) => {
        if (!sessionHeld) onLost();
      },
      () => {
        if (!settlement.isSettled) onLost();
      },
    );
  }, interval);
  return () => clearInterval(timer);
}
