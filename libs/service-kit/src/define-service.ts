import { Module, type DynamicModule, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import type { ServiceName } from '@leaf/contracts';
import { platformConfigSchema, type PlatformConfig, type ServiceDefinition } from '@leaf/platform';
import { startBusConsumers } from './bus-consumers';
import { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';

export interface ServiceParts {
  entities?: ServiceKitOptions['entities'];
  imports?: ModuleMetadata['imports'];
  controllers?: Type[];
  providers?: Provider[];
  /** Replaces the default authentication (the gateway-signed x-leaf-identity); the gateway's own. */
  authenticator?: ServiceKitOptions['authenticator'];
  /** What the identity guard checks once the caller is known; the gateway's scope and rate limits. */
  admission?: ServiceKitOptions['admission'];
}

export interface ServiceExtras<C extends PlatformConfig> {
  /** See ServiceDefinition.migrations; a service without tables of its own declares none. */
  migrations?: ServiceDefinition<C>['migrations'];
  configSchema?: ServiceDefinition<C>['configSchema'];
  configureApp?: ServiceDefinition<C>['configureApp'];
}

/**
 * A service's root module: the shared kit plus the service's own controllers and providers
 * (optionally built from its validated config). Each service gets its own module class so Nest
 * keeps one instance graph per application even when several services share a process.
 */
export function defineService<C extends PlatformConfig = PlatformConfig>(
  name: ServiceName,
  parts: ServiceParts | ((config: C) => ServiceParts) = {},
  extras: ServiceExtras<C> = {},
): ServiceDefinition<C> {
  @Module({})
  class ServiceRootModule {}
  Object.defineProperty(ServiceRootModule, 'name', { value: `${name.replace(/(^|-)(\w)/g, (_, _d, c: string) => c.toUpperCase())}RootModule` });

  const migrations = extras.migrations ?? [];
  return {
    name,
    migrations,
    configSchema: extras.configSchema ?? (platformConfigSchema as unknown as ServiceDefinition<C>['configSchema']),
    configureApp: async (app, config) => {
      await startBusConsumers(app, name);
      await extras.configureApp?.(app, config);
    },
    rootModule: (config: C): DynamicModule => {
      const p = typeof parts === 'function' ? parts(config) : parts;
      return {
        module: ServiceRootModule,
        imports: [
          ServiceKitModule.forService({ service: name, config, migrations, entities: p.entities, authenticator: p.authenticator, admission: p.admission }),
          ...(p.imports ?? []),
        ],
        controllers: p.controllers ?? [],
        providers: p.providers ?? [],
      };
    },
  };
}
