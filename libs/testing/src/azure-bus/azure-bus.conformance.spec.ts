import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import { createAzureServiceBus } from '@leaf/messaging';
import { conformanceTopology, describeBusConformance } from '@leaf/messaging/testing';
import { brokerTopology } from './broker-topology.from-bus';
import { startServiceBusBroker } from '../service-bus-broker/service-bus-broker';
import { testRetryOptions } from '../service-bus-broker/broker-client.fixture';

describeBusConformance('Azure adapter, real @azure/service-bus SDK, AMQP test broker', async () => {
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
  // Another client on the same namespace: the raw SDK, sending bytes as they are.
  const raw = new ServiceBusClient(broker.connectionString, {
    retryOptions: testRetryOptions,
  });
  const senders = new Map<string, ServiceBusSender>();
  return {
    bus,
    sendRaw: async (entity, message) => {
      let sender = senders.get(entity);
      if (!sender) {
        sender = raw.createSender(entity);
        senders.set(entity, sender);
      }
      await sender.sendMessages({
        body: Buffer.from(message.body),
        messageId: message.messageId,
        contentType: 'application/json',
        ...(message.sessionId !== undefined && {
          sessionId: message.sessionId,
        }),
        ...(message.applicationProperties && {
          applicationProperties: message.applicationProperties,
        }),
      });
    },
    dispose: async () => {
      await bus.close();
      await raw.close();
      await broker.stop();
    },
  };
});
