import {
  defaultEntitySettings,
  queueCatalogue,
  queueSettings,
  subscriptionCatalogue,
  subscriptionSettings,
  topicCatalogue,
  topicSettings,
  type CorrelationFilter,
  type EntitySettings,
  type QueueName,
  type TopicName,
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
  /** Duplicate detection happens on the topic, as in Service Bus; its time-to-live caps its subscriptions'. */
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
  const topics = (Object.keys(topicCatalogue) as TopicName[]).map((topic) => ({
    name: topic,
    settings: topicSettings[topic],
    subscriptions: subscriptionCatalogue
      .filter((s) => s.topic === topic)
      .map((s) => ({
        name: s.name,
        filter: s.filter,
        settings: subscriptionSettings(s),
      })),
  }));
  return { queues, topics };
}

export function resolveSettings(partial?: Partial<EntitySettings>): EntitySettings {
  return { ...defaultEntitySettings, ...partial };
}
