import { createAzureServiceBus } from '@leaf/messaging';
import {
  conformanceTopology,
  describeBusConformance,
} from '@leaf/messaging/testing';
import { brokerTopology } from './broker-topology.from-bus';
import { startServiceBusBroker } from '../service-bus-broker/service-bus-broker';
import { testRetryOptions } from '../service-bus-broker/broker-client.fixture';

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
          retryOptions: testRetryOptions,
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
