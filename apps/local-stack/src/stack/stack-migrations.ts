import { claimsRuntimeMigrations } from '@leaf/claims-runtime/data-access';
import { contractPacketsMigrations } from '@leaf/contract-packets/data-access';
import { gatewayMigrations } from '@leaf/gateway/feature';
import { outboxMigrations } from '@leaf/messaging';
import { postgresMigrations } from '@leaf/persistence';
import { taskLedgerMigrations } from '@leaf/task-ledger';

/**
 * Every PostgreSQL migration the local stack applies to its one embedded database: the
 * foundation tables, the outbox, then each service's own tables (exported by its data-access
 * lib). TypeORM orders them by their timestamp suffix, so each service keeps its own range.
 */
export const stackMigrations = [
  ...postgresMigrations,
  ...outboxMigrations.postgres,
  ...claimsRuntimeMigrations.postgres,
  ...contractPacketsMigrations.postgres,
  ...taskLedgerMigrations.postgres,
  ...gatewayMigrations.postgres,
];
