import type { EntitySettings, SubscriptionDeclaration } from '@leaf/contracts';
import type { BrokerTopology } from '../service-bus-broker/broker-topology';

export interface BusTopology {
  queues?: Partial<Record<string, Partial<EntitySettings>>>;
  topics?: Partial<Record<string, Partial<EntitySettings>>>;
  subscriptions: readonly SubscriptionDeclaration[];
}

/** The same entities the suite expects, in the broker's terms. */
export function brokerTopology(topology: BusTopology): BrokerTopology {
  const topics = new Map<string, BrokerTopology['topics'][number]['subscriptions'][number][]>();
  for (const s of topology.subscriptions) topics.set(s.topic, [...(topics.get(s.topic) ?? []), { name: s.name, filter: s.filter, settings: s.settings }]);
  return {
    queues: Object.entries(topology.queues ?? {}).map(([name, settings]) => ({
      name,
      settings,
    })),
    topics: [...topics].map(([name, subscriptions]) => ({
      name,
      subscriptions,
      settings: topology.topics?.[name as keyof typeof topology.topics],
    })),
  };
}
