import type { DeadLetterOptions, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSessionReceiver } from '@azure/service-bus';
import type { ApplicationProperties } from '../port/message';
import { isMessagingError, MessagingError } from '../port/messaging.error';
import type { HandlerContext } from '../port/settlement';
import { mapErrors } from './azure-error.mapper';

export interface DelayedAbandon {
  /** Defers the message and schedules its wake-up `delayMs` from now (see azure-wake-up.ts). */
  (
    receiver: ServiceBusReceiver,
    message: ServiceBusReceivedMessage,
    options: {
      delayMs: number;
      deliveryCount: number;
      propertiesToModify?: ApplicationProperties;
    },
  ): Promise<void>;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

const isSessionReceiver = (receiver: ServiceBusReceiver): receiver is ServiceBusSessionReceiver => 'sessionId' in receiver && 'renewSessionLock' in receiver;

/**
 * The settlement of one peek-locked delivery. Exactly one settlement is accepted: a second one
 * is refused here with `MESSAGE_LOCK_LOST` rather than left to the SDK's untyped error.
 *
 * `takenBack` marks a message received by sequence number (deferred): Service Bus keeps such a
 * message deferred when it is abandoned, so abandoning it goes through a wake-up instead.
 */
export class AzureSettlement implements HandlerContext {
  private settled = false;

  constructor(
    private readonly receiver: ServiceBusReceiver,
    private readonly message: ServiceBusReceivedMessage,
    private readonly delayedAbandon: DelayedAbandon,
    private readonly takenBack: boolean,
    /** The port's delivery count of this delivery. */
    private readonly deliveryCount: number,
    readonly signal: AbortSignal,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  complete(): Promise<void> {
    return this.settle('complete', () => this.receiver.completeMessage(this.message));
  }

  abandon(
    options: {
      delayMs?: number;
      propertiesToModify?: ApplicationProperties;
    } = {},
  ): Promise<void> {
    const delayMs = options.delayMs ?? 0;
    const receiver = this.receiver;
    if (delayMs > 0 && isSessionReceiver(receiver)) {
      // In a session the message must stay the session's next: hold the session (the SDK keeps
      // renewing its lock) for the delay, then abandon, so it comes straight back to this receiver.
      return this.settle('abandon', async () => {
        await pause(delayMs, this.signal);
        await receiver.abandonMessage(this.message, options.propertiesToModify);
      });
    }
    if (delayMs > 0 || this.takenBack) {
      return this.settle('abandon', () =>
        this.delayedAbandon(this.receiver, this.message, {
          delayMs,
          deliveryCount: this.deliveryCount,
          ...(options.propertiesToModify && {
            propertiesToModify: options.propertiesToModify,
          }),
        }),
      );
    }
    return this.settle('abandon', () => this.receiver.abandonMessage(this.message, options.propertiesToModify));
  }

  deadLetter(options: { reason: string; description?: string }): Promise<void> {
    const details: Record<string, string> = {
      deadLetterReason: options.reason,
    };
    if (options.description !== undefined) details['deadLetterErrorDescription'] = options.description;
    // The SDK types the description as required; Service Bus itself does not, and the port leaves it optional.
    return this.settle('dead-letter', () => this.receiver.deadLetterMessage(this.message, details as DeadLetterOptions & Record<string, string>));
  }

  defer(): Promise<void> {
    return this.settle('defer', () => this.receiver.deferMessage(this.message));
  }

  async renewLock(): Promise<Date> {
    if (this.settled) throw this.alreadySettled('renew lock');
    const receiver = this.receiver;
    // A session's messages are locked by the session lock, not one by one.
    if (isSessionReceiver(receiver)) return mapErrors('renew session lock', () => receiver.renewSessionLock());
    return mapErrors('renew lock', () => this.receiver.renewMessageLock(this.message));
  }

  private async settle(action: string, call: () => Promise<void>): Promise<void> {
    if (this.settled) throw this.alreadySettled(action);
    this.settled = true;
    try {
      await mapErrors(action, call);
    } catch (error) {
      // Only a lost lock ends the delivery; after a transient failure the caller may settle again.
      if (!isMessagingError(error, 'MESSAGE_LOCK_LOST')) this.settled = false;
      throw error;
    }
  }

  private alreadySettled(action: string): MessagingError {
    return new MessagingError('MESSAGE_LOCK_LOST', `${action}: message ${String(this.message.messageId)} was already settled`);
  }
}
