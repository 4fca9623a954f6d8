import { DATA_SOURCE } from '@leaf/persistence';
import { defineService } from '@leaf/service-kit';
import {
  ClaimsSummaryRepository,
  ClientsRepository,
  GuaranteesRepository,
  claimsRuntimeEntities,
} from '@leaf/claims-runtime/data-access';
import type { DataSource } from 'typeorm';
import { ClientsController } from './clients/clients.controller';

const repository = <T>(type: new (ds: DataSource) => T) => ({ provide: type, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new type(ds) });

/** claims-runtime: the claims authority (read-only) and the contract guarantees it is held to. */
export const claimsRuntimeService = defineService('claims-runtime', {
  entities: claimsRuntimeEntities,
  controllers: [ClientsController],
  providers: [repository(ClientsRepository), repository(GuaranteesRepository), repository(ClaimsSummaryRepository)],
});
