import { createAzureServiceBus } from '@leaf/messaging';
import {
  conformanceTopology,
  describeBusConformance,
} from '@leaf/messaging/testing';
import { brokerTopology } from './broker-topology.from-bus';
import { startServiceBusBroker } from '../service-bus-broker/service-bus-broker';

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
