import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { EntitySettings } from '@leaf/contracts';
import type { BodyScreenOptions } from '../body/body-screen';
import { poisonReport } from '../body/poison-report';
import type { ConsumerHandle, ReceiveAddress, SubscribeOptions } from '../port/message-bus.port';
import type { MessagingError } from '../port/messaging.error';
import type { MessageHandler } from '../port/settlement';
import { acceptNextSessionFor, createReceiverFor, sendEntityOf, subscriptionOf } from './azure-address';
import { toMessagingError } from './azure-error.mapper';
import { fromServiceBusMessage, toLong } from './azure-message.mapper';
import { AzureSettlement, type DelayedAbandon } from './azure-settlement';
import { wakeUpOf } from './azure-wake-up';

export interface AzureConsumerConfig {
  client: ServiceBusClient;
  from: ReceiveAddress;
  settings: EntitySettings;
  handler: MessageHandler;
  options: SubscribeOptions;
  delayedAbandon: DelayedAbandon;
  /** How bodies are checked before a handler sees them (size limit, the entity's contract). */
  screen: BodyScreenOptions;
  onError: (error: MessagingError) => void;
  /** How long a session consumer waits for the next message of its session before moving on. */
  sessionIdleMs: number;
}

const defaultLockRenewalMs = 5 * 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One `subscribe`: a peek-lock receiver (SDK `subscribe`, auto-complete off, the SDK renewing
 * locks), or for a session entity `maxConcurrentCalls` loops that each accept the next free
 * session and drain it in order. Handler semantics are the port's: return completes, throw
 * abandons until the delivery count reaches maxDeliveryCount, then dead-letters.
 */
export class AzureConsumer implements ConsumerHandle {
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private receiver: ServiceBusReceiver | undefined;
  private stopStreaming: (() => Promise<void>) | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly config: AzureConsumerConfig) {}

  start(): this {
    const { settings, options } = this.config;
    const concurrency = Math.max(1, options.maxConcurrentCalls ?? 1);
    if (settings.requiresSession && !options.deadLetter) {
      for (let i = 0; i < concurrency; i++) this.loops.push(this.sessionLoop());
      return this;
    }
    const receiver = createReceiverFor(this.config.client, this.config.from, {
      receiveMode: 'peekLock',
      skipParsingBodyAsJson: true,
      maxAutoLockRenewalDurationInMs: this.lockRenewalMs(),
      ...(options.deadLetter && { subQueueType: 'deadLetter' as const }),
    });
    this.receiver = receiver;
    const subscription = receiver.subscribe(
      {
        processMessage: (message) => this.track(this.process(receiver, message)),
        processError: async (args) => {
          if (!this.abort.signal.aborted) this.config.onError(toMessagingError(args.error, `receive from ${args.entityPath}`));
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: concurrency },
    );
    this.stopStreaming = () => subscription.close();
    return this;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.abort.abort();
    // Stop taking messages first; the link stays open so in-flight handlers can still settle.
    await this.stopStreaming?.().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled(this.loops);
    await this.receiver?.close().catch(() => undefined);
  }

  private lockRenewalMs(): number {
    return this.config.options.maxAutoLockRenewalMs ?? defaultLockRenewalMs;
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async sessionLoop(): Promise<void> {
    const { client, from, sessionIdleMs } = this.config;
    while (!this.abort.signal.aborted) {
      let receiver: ServiceBusReceiver;
      try {
        receiver = await acceptNextSessionFor(client, from, {
          receiveMode: 'peekLock',
          skipParsingBodyAsJson: true,
          maxAutoLockRenewalDurationInMs: this.lockRenewalMs(),
          abortSignal: this.abort.signal,
        });
      } catch (error) {
        if (this.abort.signal.aborted) return;
        const mapped = toMessagingError(error, 'accept next session');
        // No free session within the SDK's wait is the normal idle case, not an error.
        if (mapped.code !== 'MESSAGING_UNAVAILABLE' || !/ServiceTimeout|SessionCannotBeLocked/.test(mapped.message)) this.config.onError(mapped);
        await sleep(100);
        continue;
      }
      try {
        while (!this.abort.signal.aborted) {
          const batch = await receiver.receiveMessages(1, {
            maxWaitTimeInMs: sessionIdleMs,
          });
          if (batch.length === 0) break;
          for (const message of batch) await this.track(this.process(receiver, message));
        }
      } catch (error) {
        if (!this.abort.signal.aborted) this.config.onError(toMessagingError(error, 'receive from session'));
      } finally {
        await receiver.close().catch(() => undefined);
      }
    }
  }

  /** Never throws: the SDK must not see handler failures, they are settled here. */
  private async process(receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage): Promise<void> {
    try {
      const wakeUp = wakeUpOf(message);
      if (!wakeUp)
        return await this.deliver(receiver, message, {
          takenBack: false,
          attemptsBefore: 0,
        });
      if (wakeUp.subscription !== subscriptionOf(this.config.from) || this.config.options.deadLetter) {
        await receiver.completeMessage(message);
        return;
      }
      let takenBack: ServiceBusReceivedMessage[];
      try {
        takenBack = await receiver.receiveDeferredMessages(toLong(BigInt(wakeUp.sequenceNumber)));
      } catch (error) {
        const mapped = toMessagingError(error, 'take back a deferred message');
        if (mapped.code !== 'MESSAGE_NOT_FOUND') throw mapped;
        takenBack = [];
      }
      for (const deferred of takenBack)
        await this.deliver(receiver, deferred, {
          takenBack: true,
          attemptsBefore: wakeUp.attempt,
        });
      // Completed last: if this process dies first, the wake-up comes back and so does the message.
      await receiver.completeMessage(message);
    } catch (error) {
      if (!this.abort.signal.aborted) this.config.onError(toMessagingError(error, 'process message'));
    }
  }

  private async deliver(receiver: ServiceBusReceiver, raw: ServiceBusReceivedMessage, how: { takenBack: boolean; attemptsBefore: number }): Promise<void> {
    const message = fromServiceBusMessage(raw, 'received', this.config.screen);
    if (how.takenBack) {
      // To the handler this is simply the next delivery of an abandoned message.
      message.state = 'active';
      message.deliveryCount = Math.max(message.deliveryCount, how.attemptsBefore + 1);
    }
    const context = new AzureSettlement(receiver, raw, this.config.delayedAbandon, how.takenBack, message.deliveryCount, this.abort.signal);
    // A body that can never succeed goes to the dead-letter queue with its reason, unseen by the
    // handler; a dead-letter receiver (the admin) gets it as it is.
    if (message.bodyProblem && !this.config.options.deadLetter) {
      await context.deadLetter(message.bodyProblem);
      this.config.onError(poisonReport(sendEntityOf(this.config.from), subscriptionOf(this.config.from), message));
      return;
    }
    const stopRenewing = how.takenBack ? this.keepLocked(context) : () => undefined;
    try {
      await this.config.handler(message, context);
      if (!context.isSettled) await context.complete();
    } catch (error) {
      if (!context.isSettled) await this.settleFailure(context, message.deliveryCount, error);
      else if (!this.abort.signal.aborted) this.config.onError(toMessagingError(error, 'handle message'));
    } finally {
      stopRenewing();
    }
  }

  private async settleFailure(context: AzureSettlement, deliveryCount: number, error: unknown): Promise<void> {
    const description = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
    // Already in the dead-letter queue: back there, never dead-lettered twice.
    if (!this.config.options.deadLetter && deliveryCount >= this.config.settings.maxDeliveryCount) {
      await context.deadLetter({
        reason: 'MaxDeliveryCountExceeded',
        description,
      });
    } else {
      await context.abandon();
    }
  }

  /** The SDK renews locks only of what it delivered itself; a message taken back by sequence number is renewed here. */
  private keepLocked(context: AzureSettlement): () => void {
    const until = Date.now() + this.lockRenewalMs();
    const timer = setInterval(
      () => {
        if (Date.now() > until || context.isSettled) return clearInterval(timer);
        context.renewLock().catch(() => clearInterval(timer));
      },
      Math.max(200, this.config.settings.lockDurationMs / 2),
    );
    return () => clearInterval(timer);
  }
}
