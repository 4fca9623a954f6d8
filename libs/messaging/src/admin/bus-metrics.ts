import { metrics, type Attributes, type Meter } from '@opentelemetry/api';
import type { MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ReceivedMessage } from '../port/message';

export interface BusMetricsOptions {
  /** Default: the global meter provider's `leaf.messaging` meter. */
  meter?: Meter;
  /**
   * Each scrape peeks at most this many messages per entity and sub-queue (default 1,000): counts
   * saturate at the bound (and `leaf.bus.count_capped` is true) so a scrape stays cheap however
   * deep a queue gets; the oldest age is exact because peeks start at the lowest sequence number.
   */
  peekBound?: number;
  onError?: (error: unknown, address: ReceiveAddress) => void;
}

export interface BusMetricsHandle {
  /** Stops observing (the gauges report nothing from then on). */
  stop(): void;
}

const attributesOf = (address: ReceiveAddress): Attributes =>
  'queue' in address ? { 'leaf.bus.entity': address.queue } : { 'leaf.bus.entity': address.topic, 'leaf.bus.subscription': address.subscription };

/**
 * Observable gauges per entity, computed from a bounded peek at every scrape:
 * `leaf.bus.active_messages` (ready to be delivered or being handled; not deferred or scheduled),
 * `leaf.bus.dead_letter_messages`, and `leaf.bus.oldest_message_age` (seconds since the oldest
 * active message was enqueued; 0 when there is none). Peeking is a read: no lock is taken and no
 * delivery count changes.
 */
export function registerBusMetrics(bus: MessageBus, addresses: readonly ReceiveAddress[], options: BusMetricsOptions = {}): BusMetricsHandle {
  const meter = options.meter ?? metrics.getMeter('leaf.messaging');
  const bound = Math.max(1, options.peekBound ?? 1_000);
  const active = meter.createObservableGauge('leaf.bus.active_messages', { description: 'Active messages (bounded peek)', unit: '{message}' });
  const deadLettered = meter.createObservableGauge('leaf.bus.dead_letter_messages', {
    description: 'Dead-lettered messages (bounded peek)',
    unit: '{message}',
  });
  const oldestAge = meter.createObservableGauge('leaf.bus.oldest_message_age', { description: 'Age of the oldest active message', unit: 's' });
  const gauges = [active, deadLettered, oldestAge];

  const callback = async (result: { observe: (gauge: (typeof gauges)[number], value: number, attributes?: Attributes) => void }) => {
    const now = Date.now();
    await Promise.all(
      addresses.map(async (address) => {
        try {
          const [live, dead] = await Promise.all([bus.peek(address, { maxCount: bound }), bus.peek(address, { maxCount: bound, deadLetter: true })]);
          const activeMessages = live.filter((m: ReceivedMessage) => m.state === 'active');
          const base = attributesOf(address);
          result.observe(active, activeMessages.length, { ...base, 'leaf.bus.count_capped': live.length >= bound });
          result.observe(deadLettered, dead.length, { ...base, 'leaf.bus.count_capped': dead.length >= bound });
          const oldest = activeMessages.reduce<number | undefined>((min, m) => Math.min(min ?? Infinity, m.enqueuedAt.getTime()), undefined);
          result.observe(oldestAge, oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000), base);
        } catch (error) {
          // A failed peek reports nothing for that entity this scrape rather than a misleading zero.
          options.onError?.(error, address);
        }
      }),
    );
  };
  meter.addBatchObservableCallback(callback, gauges);
  return { stop: () => meter.removeBatchObservableCallback(callback, gauges) };
}
