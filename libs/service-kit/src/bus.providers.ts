import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { DefaultAzureCredential } from '@azure/identity';
import { MESSAGE_BUS, createAzureServiceBus, createEmbeddedBus, type MessageBus } from '@leaf/messaging';
import { DATA_SOURCE, EmbeddedPostgresDataSource } from '@leaf/persistence';
import { ConfigError, HealthRegistry, type PlatformConfig } from '@leaf/platform';
import type { DataSource } from 'typeorm';

/**
 * The embedded bus lives in the service's own PostgreSQL (PGlite locally), so the local stack
 * needs nothing else; `LEAF_BUS=azure` switches to Azure Service Bus with no code change.
 */
async function openBus(config: PlatformConfig, ds: DataSource): Promise<MessageBus> {
  if (config.LEAF_BUS === 'azure') {
    if (config.LEAF_SERVICE_BUS_CONNECTION_STRING) return createAzureServiceBus({ connectionString: config.LEAF_SERVICE_BUS_CONNECTION_STRING });
    if (config.LEAF_SERVICE_BUS_NAMESPACE) {
      return createAzureServiceBus({ fullyQualifiedNamespace: config.LEAF_SERVICE_BUS_NAMESPACE, credential: new DefaultAzureCredential() });
    }
    throw new ConfigError([{ setting: 'LEAF_SERVICE_BUS_NAMESPACE', problem: 'is required when LEAF_BUS=azure' }]);
  }
  const url = ds instanceof EmbeddedPostgresDataSource ? ds.embedded?.url : (ds.options as { url?: string }).url;
  if (!url || ds.options.type !== 'postgres') {
    throw new ConfigError([
      { setting: 'LEAF_BUS', problem: 'embedded needs a PostgreSQL LEAF_DATABASE_URL with a password or trust sign-in; use LEAF_BUS=azure on Azure' },
    ]);
  }
  // Small pools: in the local stack eight services share one embedded server.
  return createEmbeddedBus({ url, poolSize: 2 });
}

export const busProvider = (config: PlatformConfig): Provider => ({
  provide: MESSAGE_BUS,
  inject: [DATA_SOURCE],
  useFactory: (ds: DataSource) => openBus(config, ds),
});

/** Readiness asks the bus for a real round trip; shutdown closes it after the apps stopped. */
@Injectable()
export class BusLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'bus',
      check: async () => {
        await this.bus.peek({ queue: 'agent-tasks' }, { maxCount: 1 });
        return { status: 'up' };
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
