import {
  defaultEntitySettings,
  queueCatalogue,
  queueSettings,
  subscriptionCatalogue,
  subscriptionSettings,
  topicSettings,
  type CorrelationFilter,
  type EntityName,
  type EntitySettings,
  type QueueName,
  type SubscriptionDeclaration,
  type TopicName,
} from '@leaf/contracts';
import type { OutgoingMessage } from '../port/message';
import type { ReceiveAddress } from '../port/message-bus.port';
import { defaultMaxMessageSizeBytes } from '../port/message-size';
import { MessagingError } from '../port/messaging.error';

/**
 * The entities a bus serves and their settings. Production uses the contract catalogue
 * (`defaultBusTopology`); tests pass short lock durations and their own subscriptions.
 */
export interface BusTopology {
  /** Settings per queue; a queue not listed uses `queueSettings`. */
  queues?: Partial<Record<QueueName, Partial<EntitySettings>>>;
  /**
   * Topic-level settings: duplicate detection happens on the topic, before fan-out; its
   * time-to-live settings are inherited by its subscriptions (over the catalogue's `topicSettings`).
   */
  topics?: Partial<
    Record<TopicName, Partial<Pick<EntitySettings, 'duplicateDetectionWindowMs' | 'defaultMessageTimeToLiveMs' | 'deadLetteringOnMessageExpiration'>>>
  >;
  subscriptions: readonly SubscriptionDeclaration[];
  /** The namespace tier's largest message (see message-size.ts). Default: Standard, 256 KB. */
  maxMessageSizeBytes?: number;
}

export const maxMessageSizeBytes = (topology: BusTopology): number => topology.maxMessageSizeBytes ?? defaultMaxMessageSizeBytes;

export const defaultBusTopology: BusTopology = { queues: queueSettings, subscriptions: subscriptionCatalogue };

export const isQueueName = (entity: string): entity is QueueName => entity in queueCatalogue;

/** Settings of what a consumer receives from: the queue's, or the subscription's over the defaults. */
export function receiveSettings(topology: BusTopology, from: ReceiveAddress): EntitySettings {
  if ('queue' in from) return { ...queueSettings[from.queue], ...topology.queues?.[from.queue] };
  const declared = topology.subscriptions.find((s) => s.topic === from.topic && s.name === from.subscription);
  if (!declared) {
    throw new MessagingError('MESSAGING_ENTITY_UNKNOWN', `no subscription ${from.subscription} on ${from.topic} in the topology`);
  }
  const topic = topology.topics?.[from.topic];
  return {
    ...subscriptionSettings({ topic: from.topic }),
    ...(topic?.defaultMessageTimeToLiveMs !== undefined && { defaultMessageTimeToLiveMs: topic.defaultMessageTimeToLiveMs }),
    ...(topic?.deadLetteringOnMessageExpiration !== undefined && { deadLetteringOnMessageExpiration: topic.deadLetteringOnMessageExpiration }),
    ...declared.settings,
  };
}

/** The topic's own time-to-live (the subscriptions' may be shorter). */
export function topicTimeToLiveMs(topology: BusTopology, topic: TopicName): number {
  return (
    topology.topics?.[topic]?.defaultMessageTimeToLiveMs ?? topicSettings[topic]?.defaultMessageTimeToLiveMs ?? defaultEntitySettings.defaultMessageTimeToLiveMs
  );
}

export function duplicateDetectionWindowMs(topology: BusTopology, entity: EntityName): number {
  if (isQueueName(entity)) return receiveSettings(topology, { queue: entity }).duplicateDetectionWindowMs;
  return topology.topics?.[entity]?.duplicateDetectionWindowMs ?? defaultEntitySettings.duplicateDetectionWindowMs;
}

/** Service Bus correlation filter: every property the filter names must be equal. */
export function matchesFilter(
  filter: CorrelationFilter | undefined,
  message: Pick<OutgoingMessage, 'correlationId' | 'subject' | 'sessionId' | 'applicationProperties'>,
): boolean {
  if (!filter) return true;
  if (filter.correlationId !== undefined && filter.correlationId !== message.correlationId) return false;
  if (filter.subject !== undefined && filter.subject !== message.subject) return false;
  if (filter.sessionId !== undefined && filter.sessionId !== message.sessionId) return false;
  for (const [key, value] of Object.entries(filter.applicationProperties ?? {})) {
    if (message.applicationProperties?.[key] !== value) return false;
  }
  return true;
}

/** The subscriptions of `topic` a message goes to (a queue is its own single destination: ''). */
export function destinations(topology: BusTopology, entity: EntityName, message: OutgoingMessage): string[] {
  return routes(topology, entity, message).map((r) => r.subscription);
}

export interface Route {
  /** '' for a queue. */
  subscription: string;
  settings: EntitySettings;
  /** The message's time-to-live there: the shortest of its own, the topic's and the queue's or subscription's default. */
  timeToLiveMs: number;
}

/** Where a message goes, with the settings that apply to it in each place. */
export function routes(
  topology: BusTopology,
  entity: EntityName,
  message: Pick<OutgoingMessage, 'timeToLiveMs'> & Parameters<typeof matchesFilter>[1],
): Route[] {
  const own = message.timeToLiveMs ?? Infinity;
  if (isQueueName(entity)) {
    const settings = receiveSettings(topology, { queue: entity });
    return [{ subscription: '', settings, timeToLiveMs: Math.min(own, settings.defaultMessageTimeToLiveMs) }];
  }
  const topicTtl = topicTimeToLiveMs(topology, entity);
  return topology.subscriptions
    .filter((s) => s.topic === entity && matchesFilter(s.filter, message))
    .map((s) => {
      const settings = receiveSettings(topology, { topic: entity, subscription: s.name });
      return { subscription: s.name, settings, timeToLiveMs: Math.min(own, topicTtl, settings.defaultMessageTimeToLiveMs) };
    });
}
