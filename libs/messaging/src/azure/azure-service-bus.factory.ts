import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient, type ServiceBusClientOptions } from '@azure/service-bus';
import { AzureServiceBus, type AzureServiceBusOptions } from './azure-service-bus';

export type AzureServiceBusConnection =
  | { connectionString: string }
  /** In AKS the default credential picks up workload identity; locally, the developer's az login. */
  | { fullyQualifiedNamespace: string; credential?: TokenCredential };

export interface CreateAzureServiceBusOptions extends AzureServiceBusOptions {
  client?: ServiceBusClientOptions;
}

export function createServiceBusClient(connection: AzureServiceBusConnection, options: ServiceBusClientOptions = {}): ServiceBusClient {
  if ('connectionString' in connection) return new ServiceBusClient(connection.connectionString, options);
  return new ServiceBusClient(connection.fullyQualifiedNamespace, connection.credential ?? new DefaultAzureCredential(), options);
}

export function createAzureServiceBus(connection: AzureServiceBusConnection, options: CreateAzureServiceBusOptions = {}): AzureServiceBus {
  const { client, ...busOptions } = options;
  return new AzureServiceBus(createServiceBusClient(connection, client), busOptions);
}
