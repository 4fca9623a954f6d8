import { Global, Inject, Injectable, Module, type DynamicModule, type OnModuleInit, type Type } from '@nestjs/common';
import type { ServiceName } from '@leaf/contracts';
import { DATA_SOURCE, PersistenceModule, checkDatabase, parseOperationalDatabaseUrl } from '@leaf/persistence';
import {
  HealthModule,
  HealthRegistry,
  IdentitySigner,
  IdentityVerifier,
  ShutdownModule,
  type PlatformConfig,
  type RequestAdmission,
  type RequestAuthenticator,
  type ServiceMigration,
} from '@leaf/platform';
import { MESSAGE_BUS } from '@leaf/messaging';
import { LAKE, createLake, parseLakeUrl } from '@leaf/storage';
import { authProviders } from './auth.providers';
import { BusLifecycle, busProvider } from './bus.providers';
import { OUTBOX_OWNED, OutboxRelayHost, ownsOutbox } from './outbox-relay.host';
import { BusAdminController } from './admin/bus-admin.controller';
import type { DataSource, EntitySchema } from 'typeorm';

export interface ServiceKitOptions {
  service: ServiceName;
  config: PlatformConfig;
  /** Applied under the migration lock before the service listens (see ServiceDefinition.migrations). */
  migrations?: ReadonlyArray<ServiceMigration>;
  /** The TypeORM entities of the service's data-access libs. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Array<Function | EntitySchema>;
  /** How requests are authenticated; services behind the gateway keep the default (x-leaf-identity). */
  authenticator?: Type<RequestAuthenticator> | RequestAuthenticator;
  /** Checked by the identity guard once the caller is known (the gateway's scope and rate limits). */
  admission?: RequestAdmission;
}

@Injectable()
class DatabaseReadiness implements OnModuleInit {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'database', check: () => checkDatabase(this.ds) });
  }
}

/**
 * What every service stands on: health and readiness, graceful shutdown, its data source, the
 * bus and the lake, all from the validated platform config, and the identity guard on every route
 * (IdentitySigner for calls to other services). A service's feature module imports this once.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forService(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      controllers: [BusAdminController],
      imports: [
        HealthModule.forService(options.service),
        ShutdownModule,
        PersistenceModule.forRoot({
          database: parseOperationalDatabaseUrl(options.config.LEAF_DATABASE_URL),
          entities: options.entities ?? [],
          migrations: [...(options.migrations ?? [])],
          runMigrations: true,
          applicationName: `leaf-${options.service}`,
        }),
      ],
      providers: [
        DatabaseReadiness,
        busProvider(options.config),
        BusLifecycle,
        { provide: OUTBOX_OWNED, useValue: ownsOutbox(options.migrations) },
        OutboxRelayHost,
        { provide: LAKE, useFactory: () => createLake(parseLakeUrl(options.config.LEAF_LAKE_URL)) },
        ...authProviders(options.config, options.authenticator, options.admission),
      ],
      exports: [LAKE, MESSAGE_BUS, OutboxRelayHost, PersistenceModule, IdentitySigner, IdentityVerifier],
    };
  }
}
