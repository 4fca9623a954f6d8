import { randomUUID } from 'node:crypto';
import type { EntityName } from '@leaf/contracts';
import type { OutgoingMessage, ReceivedMessage } from '../port/message';
import type { ConsumerHandle, DeliveredMessage, MessageBus, PeekOptions, ReceiveAddress, SubscribeOptions } from '../port/message-bus.port';
import { MessagingError } from '../port/messaging.error';
import type { MessageHandler } from '../port/settlement';
import type { BodyScreenOptions } from '../body/body-screen';
import { checkOutgoing } from '../send/outgoing-checks';
import { QueueConsumer, SessionConsumer, type BusConsumer } from './bus-consumer';
import type { BusStore, StoreAddress, StoredMessage } from './bus-store';
import { duplicateDetectionWindowMs, maxMessageSizeBytes, receiveSettings, routes, type BusTopology } from './bus-topology';
import { LockedMessageSettlement } from './locked-message.settlement';
import { SendBatcher } from './send-batcher';
import { toReceivedMessage } from './message-row';
import type { WakeUpNotifier } from './wake-up.notifier';

export interface EmbeddedBusOptions {
  topology: BusTopology;
  /** The safety-net poll when no wake-up arrives. Default 2 s. */
  pollIntervalMs?: number;
  /** Where handler and database errors go; they never stop a consumer. */
  onError?: (error: unknown) => void;
}

const duplicatePurgeEveryMs = 60_000;

/** `MessageBus` on PostgreSQL (real or PGlite) with Azure Service Bus semantics. */
export class EmbeddedBus implements MessageBus {
  private readonly consumers = new Set<BusConsumer>();
  private lastPurge = 0;
  private closed = false;
  private readonly sends: SendBatcher;

  constructor(
    private readonly store: BusStore,
    private readonly notifier: WakeUpNotifier,
    private readonly options: EmbeddedBusOptions,
    /** Frees what the factory opened for this bus (the pool, its share of the notifier). */
    private readonly releaseResources: () => Promise<void> = async () => undefined,
  ) {
    this.sends = new SendBatcher(store);
  }

  async send<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[]): Promise<void> {
    await this.enqueue(entity, messages);
  }

  schedule<E extends EntityName>(entity: E, messages: OutgoingMessage<E> | OutgoingMessage<E>[], at: Date): Promise<bigint[]> {
    return this.enqueue(entity, messages, at);
  }

  async cancelScheduled(entity: EntityName, sequenceNumbers: bigint[]): Promise<void> {
    this.assertOpen();
    await this.guard('cancel scheduled messages', () => this.store.cancelScheduled(entity, sequenceNumbers.map(String)));
  }

  subscribe(from: ReceiveAddress, handler: MessageHandler, options: SubscribeOptions = {}): ConsumerHandle {
    this.assertOpen();
    const settings = receiveSettings(this.options.topology, from);
    const address = this.addressOf(from, options.deadLetter ?? false);
    const consumerOptions = {
      address,
      settings,
      handler,
      maxConcurrentCalls: Math.max(1, options.maxConcurrentCalls ?? 1),
      maxAutoLockRenewalMs: options.maxAutoLockRenewalMs ?? 5 * 60_000,
      pollIntervalMs: this.options.pollIntervalMs ?? 2_000,
      screen: this.screenFor(address.entity),
      onError: this.options.onError ?? (() => undefined),
    };
    // The dead-letter sub-queue of a session entity is not session-bound, as in Service Bus.
    const consumer =
      settings.requiresSession && !address.deadLetter
        ? new SessionConsumer(this.store, this.notifier, consumerOptions).start()
        : new QueueConsumer(this.store, this.notifier, consumerOptions).start();
    this.consumers.add(consumer);
    return {
      close: async () => {
        await consumer.close();
        this.consumers.delete(consumer);
      },
    };
  }

  async receiveDeferred(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]> {
    this.assertOpen();
    const settings = receiveSettings(this.options.topology, from);
    const address = this.addressOf(from, false);
    const wanted = sequenceNumbers.map(String);
    const rows = await this.guard('receive deferred messages', () => this.store.lockDeferred(address, wanted, settings.lockDurationMs));
    if (rows.length < wanted.length) {
      await Promise.all(rows.map((row) => this.store.unlock({ address, seq: row.seq, lockToken: row.lock_token ?? '' })));
      const found = new Set(rows.map((r) => r.seq));
      throw new MessagingError('MESSAGE_NOT_FOUND', `no deferred, unlocked message with sequence number ${wanted.filter((s) => !found.has(s)).join(', ')}`);
    }
    return rows.map((row) => ({
      message: toReceivedMessage(row, this.screenFor(address.entity)),
      settlement: new LockedMessageSettlement(
        this.store,
        { address, seq: row.seq, lockToken: row.lock_token ?? '' },
        settings.lockDurationMs,
        settings.maxDeliveryCount,
        () => this.notifier.notify(address.entity),
      ),
    }));
  }

  async receiveDeadLetters(from: ReceiveAddress, sequenceNumbers: bigint[]): Promise<DeliveredMessage[]> {
    this.assertOpen();
    if (sequenceNumbers.length === 0) return [];
    const settings = receiveSettings(this.options.topology, from);
    const address = this.addressOf(from, true);
    const rows = await this.guard('receive dead-lettered messages', () =>
      this.store.lockDeadLettered(address, sequenceNumbers.map(String), settings.lockDurationMs),
    );
    // In the dead-letter queue there is no maximum: an abandon only puts the message back.
    return rows.map((row) => ({
      message: toReceivedMessage(row, this.screenFor(address.entity)),
      settlement: new LockedMessageSettlement(
        this.store,
        { address, seq: row.seq, lockToken: row.lock_token ?? '' },
        settings.lockDurationMs,
        2 ** 31 - 1,
        () => this.notifier.notify(address.entity),
      ),
    }));
  }

  async peek(from: ReceiveAddress, options: PeekOptions = {}): Promise<ReceivedMessage[]> {
    this.assertOpen();
    receiveSettings(this.options.topology, from);
    const address = this.addressOf(from, options.deadLetter ?? false);
    const rows = await this.guard('peek', () => this.store.peek(address, options.fromSequenceNumber ?? 0n, options.maxCount ?? 100));
    return rows.map((row) => {
      // A peek is not a delivery: the lock belongs to whoever holds it.
      const { lockToken: _token, ...message } = toReceivedMessage(row, this.screenFor(address.entity));
      return message;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.close()));
    await this.releaseResources();
  }

  private async enqueue<E extends EntityName>(entity: E, input: OutgoingMessage<E> | OutgoingMessage<E>[], at?: Date): Promise<bigint[]> {
    this.assertOpen();
    const outgoing = Array.isArray(input) ? input : [input];
    checkOutgoing(this.options.topology, entity, outgoing);
    const messages = outgoing.map((m) => this.toStored(entity, m));
    if (messages.length === 0) return [];
    // Service Bus keeps the first of a messageId; a repeat inside the same batch is a duplicate too.
    const firstOfId = new Map<string, number>();
    messages.forEach((m, i) => firstOfId.has(m.messageId) || firstOfId.set(m.messageId, i));
    const kept = [...firstOfId.values()];
    const window = duplicateDetectionWindowMs(this.options.topology, entity);
    const keptSeqs = await this.guard(`send to ${entity}`, async () => {
      const unique = kept.map((i) => messages[i] as StoredMessage);
      // Immediate sends share statements with concurrent sends to the same entity (group commit).
      const seqs = at ? await this.store.insert(entity, unique, window, at) : await this.sends.insert(entity, unique, window);
      if (Date.now() - this.lastPurge > duplicatePurgeEveryMs) {
        this.lastPurge = Date.now();
        await this.store.purgeExpiredDuplicates();
      }
      return seqs;
    });
    const seqOfId = new Map(kept.map((i, k) => [messages[i]?.messageId, keptSeqs[k]]));
    this.notifier.notify(entity);
    return messages.map((m) => BigInt(seqOfId.get(m.messageId) ?? 0));
  }

  private screenFor(entity: EntityName): BodyScreenOptions {
    return { maxBytes: maxMessageSizeBytes(this.options.topology), entity };
  }

  private toStored<E extends EntityName>(entity: E, message: OutgoingMessage<E>): StoredMessage {
    return {
      messageId: message.messageId ?? randomUUID(),
      body: Buffer.from(JSON.stringify(message.body), 'utf8'),
      correlationId: message.correlationId ?? null,
      sessionId: message.sessionId ?? null,
      subject: message.subject ?? null,
      applicationProperties: JSON.stringify(message.applicationProperties ?? {}),
      routes: routes(this.options.topology, entity, message).map((r) => ({ s: r.subscription, ttl: r.timeToLiveMs })),
    };
  }

  private addressOf(from: ReceiveAddress, deadLetter: boolean): StoreAddress {
    return 'queue' in from ? { entity: from.queue, subscription: '', deadLetter } : { entity: from.topic, subscription: from.subscription, deadLetter };
  }

  private assertOpen(): void {
    if (this.closed) throw new MessagingError('MESSAGING_CLOSED', 'the bus is closed');
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new MessagingError('MESSAGING_UNAVAILABLE', `could not ${what}`, { cause: error });
    }
  }
}
