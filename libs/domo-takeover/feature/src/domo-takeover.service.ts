import { outboxMigrations } from '@leaf/messaging';
import { postgresMigrations } from '@leaf/persistence';
import { ApiDomoSource, DOMO_SOURCE, FolderDomoSource, domoTakeoverMigrations, type DomoSource } from '@leaf/domo-takeover/data-access';
import { defineService } from '@leaf/service-kit';
import { domoTakeoverConfigSchema, type DomoTakeoverConfig } from './config/domo-takeover.config';
import { DomoController } from './http/domo.controller';
import { COMPARE_ON_START, DomoTakeoverFacade, INGEST_ON_START, PREPARE_SOURCE } from './takeover/domo-takeover.facade';
import { curatedPublicationProviders } from './takeover/curated-publication.provider';
import { syntheticSourcePreparer } from './takeover/synthetic-source';

function domoSource(config: DomoTakeoverConfig): DomoSource {
  if (config.LEAF_DOMO_SOURCE === 'folder') return new FolderDomoSource(config.LEAF_DOMO_DIR);
  // The config schema guarantees both are present when the source is api.
  return new ApiDomoSource({
    baseUrl: config.LEAF_DOMO_API_BASE_URL,
    clientId: config.LEAF_DOMO_CLIENT_ID ?? '',
    clientSecret: config.LEAF_DOMO_CLIENT_SECRET ?? '',
  });
}

/**
 * domo-takeover: Domo exports into bronze (the lake) and silver (typed rows) behind flaw gates,
 * the backend's curated savings model, and golden comparisons of Domo's output against it with
 * every difference given a reason, signed off by an operator and announced on the bus.
 */
export const domoTakeoverService = defineService<DomoTakeoverConfig>(
  'domo-takeover',
  (config) => ({
    controllers: [DomoController],
    providers: [
      { provide: DOMO_SOURCE, useValue: domoSource(config) },
      { provide: INGEST_ON_START, useValue: config.LEAF_DOMO_INGEST_ON_START },
      { provide: COMPARE_ON_START, useValue: config.LEAF_DOMO_COMPARE_ON_START },
      { provide: PREPARE_SOURCE, useValue: syntheticSourcePreparer(config) },
      ...curatedPublicationProviders(config),
      DomoTakeoverFacade,
    ],
  }),
  {
    // Reads the claims stand-in (foundation schema), announces comparisons through the outbox,
    // and owns its registry, silver, curated and comparison tables.
    migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...domoTakeoverMigrations.postgres],
    configSchema: domoTakeoverConfigSchema,
  },
);
