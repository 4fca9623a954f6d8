import {
  defaultEntitySettings,
  queueCatalogue,
  queueSettings,
  subscriptionCatalogue,
  topicCatalogue,
  type CorrelationFilter,
  type EntitySettings,
  type QueueName,
} from '@leaf/contracts';

export interface BrokerQueue {
  readonly name: string;
  readonly settings?: Partial<EntitySettings>;
}

export interface BrokerSubscription {
  readonly name: string;
  readonly filter?: CorrelationFilter;
  readonly settings?: Partial<EntitySettings>;
}

export interface BrokerTopic {
  readonly name: string;
  readonly subscriptions: readonly BrokerSubscription[];
  /** Duplicate detection happens on the topic, as in Service Bus. */
  readonly settings?: Partial<EntitySettings>;
}

export interface BrokerTopology {
  readonly queues: readonly BrokerQueue[];
  readonly topics: readonly BrokerTopic[];
}

/** The entities declared in `@leaf/contracts`, the same set `bus:provision` creates in Azure. */
export function topologyFromContracts(): BrokerTopology {
  const queues = (Object.keys(queueCatalogue) as QueueName[]).map((name) => ({
    name,
    settings: queueSettings[name],
  }));
  const topics = Object.keys(topicCatalogue).map((topic) => ({
    name: topic,
    subscriptions: subscriptionCatalogue
      .filter((s) => s.topic === topic)
      .map((s) => ({ name: s.name, filter: s.filter, settings: s.settings })),
  }));
  return { queues, topics };
}

export function resolveSettings(
  partial?: Partial<EntitySettings>,
): EntitySettings {
  return { ...defaultEntitySettings, ...partial };
}
