import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';
import type { EntityName } from '@leaf/contracts';
import type { BodyScreenOptions } from '../body/body-screen';
import { checkOutgoing } from '../send/outgoing-checks';
import { defaultBusTopology, maxMessageSizeBytes, receiveSettings, type BusTopology } from '../embedded/bus-topology';
import type { OutgoingMessage, ReceivedMessage } from '../port/message';
import type { ConsumerHandle, DeliveredMessage, MessageBus, PeekOptions, ReceiveAddress, SubscribeOptions } from '../port/message-bus.port';
import { MessagingError } from '../port/messaging.error';
import type { MessageHandler } from '../port/settlement';
import { createReceiverFor, describeAddress, sendEntityOf, subscriptionOf } from './azure-address';
import { sendAsOneBatch } from './azure-batch';
import { AzureConsumer } from './azure-consumer';
import { mapErrors } from './azure-error.mapper';
import { fromServiceBusMessage, toBigInt, toLong, toServiceBusMessage } from './azure-message.mapper';
import { AzureSettlement, type DelayedAbandon } from './azure-settlement';
import { wakeUpMessage, wakeUpOf } from './azure-wake-up';

export interface AzureServiceBusOptions {
  /** Entity settings the adapter needs client-side (max delivery count, sessions). Default: the contract catalogue. */
  topology?: BusTopology;
  /** Errors no caller is waiting for (a receive link failing, a settlement after the handler). Default: a process warning. */
  onError?: (error: MessagingError) => void;
  /** How long a session consumer waits on an idle session before taking the next one. Default 1 s. */
  sessionIdleMs?: number;
  /** Close the ServiceBusClient on `close()`. Default true. */
  ownsClient?: boolean;
  /** How long `receiveDeadLetters` waits for the dead-letter queue to hand over messages. Default 15 s. */
  deadLetterScanMs?: number;
}

const defaultPeekCount = 100;
/** Messages received at once while scanning a dead-letter queue for chosen ones. */
const deadLetterScanBatch = 25;
// Never silent: an error nobody awaits still reaches stderr with its stable code.
const warn = (error: MessagingError) => process.emitWarning(error.message, { code: error.code });
const list = <T>(items: T | T[]): T[] => (Array.isArray(items) ? items : [items]);

/** `MessageBus` on Azure Service Bus through `@azure/service-bus`. */
export class AzureServiceBus implements MessageBus {
  private readonly senders = new Map<string, ServiceBusSender>();
  /** For peek and receiveDeferred; one per address so their settlements keep a live link. */
  private readonly receivers = new Map<string, ServiceBusReceiver>();
  private readonly consumers = new Set<AzureConsumer>();
  private readonly topology: BusTopology;
  private closed = false;

  constructor(
    private readonly client: ServiceBusClient,
    private readonly options: AzureServiceBusOptions = {},
  ) {
    this.topology = options.topology ?? defaultBusTopology;
  }

  async send<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[]): Promise<void> {
    const outgoing = list(messages);
    checkOutgoing(this.topology, entity, outgoing);
    await sendAsOneBatch(this.sender(entity), entity, outgoing.map(toServiceBusMessage));
  }

  async schedule<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[], at: Date): Promise<bigint[]> {
    const sender = this.sender(entity);
    const outgoing = list(messages);
    checkOutgoing(this.topology, entity, outgoing);
    const sequenceNumbers = await mapErrors(`schedule on ${entity}`, () => sender.scheduleMessages(outgoing.map(toServiceBusMessage), at));
    return sequenceNumbers.map(toBigInt);
  }

  async cancelScheduled(entity: EntityName, sequenceNumbers: bigint[]): Promise<void> {
    if (sequenceNumbers.length === 0) return;
    const sender = this.sender(entity);
    await mapErrors(`cancel scheduled on ${entity}`, () => sender.cancelScheduledMessages(sequenceNumbers.map(toLong)));
  }

  subscribe(from: ReceiveAddress, handler: MessageHandler, options: SubscribeOptions = {}): ConsumerHandle {
    this.assertOpen();
    const consumer = new AzureConsumer({
      client: this.client,
      from,
      settings: receiveSettings(this.topology, from),
      handler,
      options,
      delayedAbandon: this.delayedAbandon(from),
      screen: this.screenFor(from),
      onError: this.options.onError ?? warn,
      sessionIdleMs: this.options.sessionIdleMs ?? 1_000,
    });
    this.consumers.add(consumer);
    consumer.start();
    return {
      close: async () => {
        await consumer.close();
        this.consumers.delete(consumer);
      },
    };
  }

  async receiveDeferred(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]> {
    if (sequenceNumbers.length === 0) return [];
    const receiver = this.receiver(from, false);
    const received = await mapErrors(`receive deferred from ${describeAddress(from)}`, () => receiver.receiveDeferredMessages(sequenceNumbers.map(toLong)));
    return received.map((raw) => this.held(from, receiver, raw, true));
  }

  async peek(from: ReceiveAddress, options: PeekOptions = {}): Promise<ReceivedMessage[]> {
    const receiver = this.receiver(from, options.deadLetter ?? false);
    // The SDK's receiver keeps a peek cursor; starting from an explicit number makes each peek independent.
    const peeked = await mapErrors(`peek ${describeAddress(from, options.deadLetter)}`, () =>
      receiver.peekMessages(options.maxCount ?? defaultPeekCount, {
        fromSequenceNumber: toLong(options.fromSequenceNumber ?? 0n),
      }),
    );
    return peeked.filter((m) => !wakeUpOf(m)).map((m) => fromServiceBusMessage(m, 'peeked', this.screenFor(from)));
  }

  /**
   * Service Bus receives a dead-letter queue only in order (receive by sequence number is for
   * deferred messages), so this receives up to the last chosen message and no further: a peek
   * first counts the messages up to it. Those received but not chosen are held while looking
   * (abandoned at once, they would come straight back) and abandoned before returning.
   */
  async receiveDeadLetters(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]> {
    if (sequenceNumbers.length === 0) return [];
    const wanted = new Set(sequenceNumbers.map(String));
    const last = sequenceNumbers.reduce((a, b) => (a > b ? a : b));
    const receiver = this.receiver(from, true);
    const upToLast = await this.countDeadLettersUpTo(from, last);
    const found: ServiceBusReceivedMessage[] = [];
    const held: ServiceBusReceivedMessage[] = [];
    const deadline = Date.now() + (this.options.deadLetterScanMs ?? 15_000);
    try {
      let received = 0;
      while (found.length < wanted.size && received < upToLast && Date.now() < deadline) {
        const batch = await mapErrors(`receive from ${describeAddress(from, true)}`, () =>
          receiver.receiveMessages(Math.min(deadLetterScanBatch, upToLast - received), { maxWaitTimeInMs: 1_000 }),
        );
        if (batch.length === 0) break;
        received += batch.length;
        for (const raw of batch) (wanted.has(toBigInt(raw.sequenceNumber).toString()) ? found : held).push(raw);
      }
    } finally {
      await Promise.allSettled(held.map((m) => receiver.abandonMessage(m)));
    }
    return found.map((raw) => this.held(from, receiver, raw, false));
  }

  /**
   * A message received outside a consumer (deferred or dead-lettered), handed to the caller with
   * its settlement; nothing aborts it, so its signal never fires.
   */
  private held(from: ReceiveAddress, receiver: ServiceBusReceiver, raw: ServiceBusReceivedMessage, deferred: boolean): DeliveredMessage {
    const message = fromServiceBusMessage(raw, 'received', this.screenFor(from));
    return {
      message,
      settlement: new AzureSettlement(receiver, raw, this.delayedAbandon(from), deferred, message.deliveryCount, new AbortController().signal),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    await Promise.allSettled([...this.receivers.values(), ...this.senders.values()].map((link) => link.close()));
    if (this.options.ownsClient ?? true) await this.client.close();
  }

  /** How many messages the dead-letter queue holds up to `last` (what a scan must receive). */
  private async countDeadLettersUpTo(from: ReceiveAddress, last: bigint): Promise<number> {
    const receiver = this.receiver(from, true);
    let count = 0;
    let next = 0n;
    for (;;) {
      const page = await mapErrors(`peek ${describeAddress(from, true)}`, () =>
        receiver.peekMessages(defaultPeekCount, {
          fromSequenceNumber: toLong(next),
        }),
      );
      const numbers = page.map((m) => toBigInt(m.sequenceNumber));
      const upTo = numbers.filter((n) => n <= last);
      count += upTo.length;
      const highest = numbers.at(-1);
      if (highest === undefined || upTo.length < numbers.length) return count;
      next = highest + 1n;
    }
  }

  private screenFor(from: ReceiveAddress): BodyScreenOptions {
    return {
      maxBytes: maxMessageSizeBytes(this.topology),
      entity: sendEntityOf(from),
    };
  }

  private sender(entity: EntityName): ServiceBusSender {
    this.assertOpen();
    let sender = this.senders.get(entity);
    if (!sender) {
      sender = this.client.createSender(entity);
      this.senders.set(entity, sender);
    }
    return sender;
  }

  private receiver(from: ReceiveAddress, deadLetter: boolean): ServiceBusReceiver {
    this.assertOpen();
    const key = describeAddress(from, deadLetter);
    let receiver = this.receivers.get(key);
    if (!receiver) {
      receiver = createReceiverFor(this.client, from, {
        receiveMode: 'peekLock',
        skipParsingBodyAsJson: true,
        ...(deadLetter && { subQueueType: 'deadLetter' as const }),
      });
      this.receivers.set(key, receiver);
    }
    return receiver;
  }

  /** See azure-wake-up.ts for why a delayed abandon is a defer plus a scheduled wake-up. */
  private delayedAbandon(from: ReceiveAddress): DelayedAbandon {
    return async (receiver, message, { delayMs, deliveryCount, propertiesToModify }) => {
      // Deferred before the wake-up exists, so the wake-up can never arrive while it is still locked.
      await receiver.deferMessage(message, propertiesToModify);
      const wakeUp = wakeUpMessage(message, subscriptionOf(from), deliveryCount, propertiesToModify);
      const sender = this.sender(sendEntityOf(from));
      if (delayMs > 0) await sender.scheduleMessages(wakeUp, new Date(Date.now() + delayMs));
      else await sender.sendMessages(wakeUp);
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new MessagingError('MESSAGING_CLOSED', 'the Azure Service Bus adapter is closed');
  }
}
