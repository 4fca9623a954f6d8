import {
  defaultEntitySettings,
  queueCatalogue,
  queueSettings,
  subscriptionCatalogue,
  topicCatalogue,
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
      duplicateDetectionWindowMs:
        defaultEntitySettings.duplicateDetectionWindowMs,
    })),
    subscriptions: subscriptionCatalogue.map((s) => ({
      topic: s.topic,
      name: s.name,
      settings: { ...defaultEntitySettings, ...s.settings },
      ...(s.filter && { filter: s.filter }),
    })),
  };
}
