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

export interface DeclaredQueue {
  name: string;
  settings: EntitySettings;
}
export interface DeclaredTopic {
  name: string;
  duplicateDetectionWindowMs: number;
  /** Caps the time-to-live of every message sent to the topic (its subscriptions may cap it further). */
  defaultMessageTimeToLiveMs: number;
}
export interface DeclaredSubscription {
  topic: string;
  name: string;
  settings: EntitySettings;
  filter?: CorrelationFilter;
}
export interface DeclaredTopology {
  queues: DeclaredQueue[];
  topics: DeclaredTopic[];
  subscriptions: DeclaredSubscription[];
}

/** What production must have: every entity of the contract catalogue, with its settings. */
export function declaredTopology(): DeclaredTopology {
  return {
    queues: (Object.keys(queueCatalogue) as QueueName[]).map((name) => ({
      name,
      settings: { ...defaultEntitySettings, ...queueSettings[name] },
    })),
    topics: (Object.keys(topicCatalogue) as TopicName[]).map((name) => ({
      name,
      duplicateDetectionWindowMs: defaultEntitySettings.duplicateDetectionWindowMs,
      defaultMessageTimeToLiveMs: topicSettings[name].defaultMessageTimeToLiveMs,
    })),
    subscriptions: subscriptionCatalogue.map((s) => ({
      topic: s.topic,
      name: s.name,
      settings: subscriptionSettings(s),
      ...(s.filter && { filter: s.filter }),
    })),
  };
}
