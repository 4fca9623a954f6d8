import type { Provider } from '@nestjs/common';
import { outboxMigrations } from '@leaf/messaging';
import { DATA_SOURCE, createDataSource, parseDatabaseUrl, postgresMigrations } from '@leaf/persistence';
import { defineService } from '@leaf/service-kit';
import {
  ClaimsSummaryRepository,
  ClientsRepository,
  GuaranteesRepository,
  RunSupersession,
  claimsRuntimeEntities,
  claimsRuntimeMigrations,
} from '@leaf/claims-runtime/data-access';
import type { DataSource } from 'typeorm';
import { claimsRuntimeConfigSchema, type ClaimsRuntimeConfig } from './claims-runtime.config';
import { CLAIMS_DB, CLAIMS_MAPPING, RUN_EVENTS_POLL_MS, RUN_LEASE_TIMING } from './claims-runtime.tokens';
import { RunViewsController } from './runs/run-views.controller';
import { RunViews } from './runs/run-views.service';
import { ClientsController } from './clients/clients.controller';
import { ClientsReadModel } from './clients/clients.read-model';
import { PacketPromotedHandlers } from './contracts/packet-promoted.handlers';
import { ReconciliationsController } from './reconciliations/reconciliations.controller';
import { ReconciliationsService } from './reconciliations/reconciliations.service';
import { runsReadModelProvider } from './reconciliations/runs.read-model';
import { reportRenderersProvider } from './reconciliations/report-renderers.provider';

const repository = <T>(type: new (ds: DataSource) => T) => ({
  provide: type,
  inject: [DATA_SOURCE],
  useFactory: (ds: DataSource) => new type(ds),
});

/** The claims authority: the service database, or its own (read-only) connection when configured. */
const claimsDbProvider = (config: ClaimsRuntimeConfig): Provider => ({
  provide: CLAIMS_DB,
  inject: [DATA_SOURCE],
  useFactory: async (ds: DataSource) => (config.LEAF_CLAIMS_SOURCE_URL ? createDataSource(parseDatabaseUrl(config.LEAF_CLAIMS_SOURCE_URL)).initialize() : ds),
});

/** claims-runtime: the claims authority (read-only), the guarantees it is held to, and reconciliation. */
export const claimsRuntimeService = defineService<ClaimsRuntimeConfig>(
  'claims-runtime',
  (config) => ({
    entities: claimsRuntimeEntities,
    controllers: [ClientsController, ReconciliationsController, RunViewsController, PacketPromotedHandlers],
    providers: [
      repository(ClientsRepository),
      repository(GuaranteesRepository),
      repository(ClaimsSummaryRepository),
      repository(RunSupersession),
      claimsDbProvider(config),
      { provide: CLAIMS_MAPPING, useValue: config.LEAF_CLAIMS_SOURCE_MAPPING },
      {
        provide: RUN_LEASE_TIMING,
        useValue: {
          leaseMs: config.LEAF_RECONCILIATION_LEASE_MS,
          renewMs: config.LEAF_RECONCILIATION_RENEW_MS,
          sweepMs: config.LEAF_RECONCILIATION_SWEEP_MS,
        },
      },
      {
        provide: RUN_EVENTS_POLL_MS,
        useValue: config.LEAF_RECONCILIATION_EVENTS_POLL_MS,
      },
      reportRenderersProvider,
      ReconciliationsService,
      RunViews,
      ClientsReadModel,
      runsReadModelProvider,
    ],
  }),
  {
    // The reference schema (clients, periods, contract_guarantees, the embedded claims stand-in),
    // the outbox it announces runs through, and its own runs and findings.
    migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...claimsRuntimeMigrations.postgres],
    configSchema: claimsRuntimeConfigSchema,
  },
);
