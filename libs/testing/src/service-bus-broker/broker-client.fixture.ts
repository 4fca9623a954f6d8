import { ServiceBusClient, type RetryOptions } from '@azure/service-bus';
import type { BrokerTopology } from './broker-topology';
import { startServiceBusBroker, type ServiceBusBroker } from './service-bus-broker';

/** Fail fast in tests: one retry, short waits. */
export const testRetryOptions: RetryOptions = { maxRetries: 1, retryDelayInMs: 50, timeoutInMs: 5_000 };

/**
 * A broker serving `topology` and a real SDK client connected to it for the enclosing describe
 * block; both are stopped after it. Read `client` inside tests (it is set in beforeAll).
 */
export function useBrokerClient(topology: BrokerTopology): { client: ServiceBusClient } {
  const fixture = {} as { client: ServiceBusClient; broker: ServiceBusBroker };
  beforeAll(async () => {
    fixture.broker = await startServiceBusBroker({ topology });
    fixture.client = new ServiceBusClient(fixture.broker.connectionString, { retryOptions: testRetryOptions });
  });
  afterAll(async () => {
    await fixture.client?.close();
    await fixture.broker?.stop();
  });
  return fixture;
}
