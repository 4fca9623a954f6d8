import type { EntitySettings, SubscriptionDeclaration } from '@leaf/contracts';
import { createAzureServiceBus } from '@leaf/messaging';
import {
  conformanceTopology,
  describeBusConformance,
} from '@leaf/messaging/testing';
import type { BrokerTopology } from '../service-bus-broker/broker-topology';
import { startServiceBusBroker } from '../service-bus-broker/service-bus-broker';

interface BusTopology {
  queues?: Partial<Record<string, Partial<EntitySettings>>>;
  topics?: Partial<Record<string, Partial<EntitySettings>>>;
  subscriptions: readonly SubscriptionDeclaration[];
}

/** The same entities the suite expects, in the broker's terms. */
function brokerTopology(topology: BusTopology): BrokerTopology {
  const topics = new Map<
    string,
    BrokerTopology['topics'][number]['subscriptions'][number][]
  >();
  for (const s of topology.subscriptions)
    topics.set(s.topic, [
      ...(topics.get(s.topic) ?? []),
      { name: s.name, filter: s.filter, settings: s.settings },
    ]);
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

describeBusConformance(
  'Azure adapter, real @azure/service-bus SDK, AMQP test broker',
  async () => {
    const broker = await startServiceBusBroker({
      topology: brokerTopology(conformanceTopology),
    });
    const bus = createAzureServiceBus(
      { connectionString: broker.connectionString },
      {
        topology: conformanceTopology,
        sessionIdleMs: 300,
        client: {
          retryOptions: {
            maxRetries: 1,
            retryDelayInMs: 50,
            timeoutInMs: 5_000,
          },
        },
      },
    );
    return {
      bus,
      dispose: async () => {
        await bus.close();
        await broker.stop();
      },
    };
  },
);
