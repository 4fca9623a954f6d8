import { readFileSync } from 'node:fs';
import { outboxMigrations } from '@leaf/messaging';
import { postgresMigrations } from '@leaf/persistence';
import { JsforceSalesforceSource, SALESFORCE_SOURCE, SalesforceSourceError, salesforceMirrorMigrations } from '@leaf/salesforce-mirror/data-access';
import { defineService } from '@leaf/service-kit';
import { taskLedgerMigrations } from '@leaf/task-ledger';
import { salesforceMirrorConfigSchema, type SalesforceMirrorConfig } from './config/salesforce-mirror.config';
import { LineageEventsHandlers } from './lineage/task-events.handlers';
import { SalesforceController } from './requests/salesforce.controller';
import { SalesforceSyncService, SYNC_ON_START, SYNC_OPTIONS } from './sync/salesforce-sync.service';

/** The JWT flow's private key: the setting's value, or the file the Key Vault CSI driver mounts (read once, at start). */
function privateKey(config: SalesforceMirrorConfig): string {
  if (config.LEAF_SALESFORCE_PRIVATE_KEY) return config.LEAF_SALESFORCE_PRIVATE_KEY;
  try {
    return readFileSync(config.LEAF_SALESFORCE_PRIVATE_KEY_FILE ?? '', 'utf8');
  } catch (e) {
    // The path stays out of the message (no local path leaves the service).
    throw new SalesforceSourceError(
      'SALESFORCE_AUTH_FAILED',
      `LEAF_SALESFORCE_PRIVATE_KEY_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: e,
      },
    );
  }
}

export function salesforceSource(config: SalesforceMirrorConfig): JsforceSalesforceSource | null {
  if (!config.LEAF_SALESFORCE_LOGIN_URL) return null;
  // The config schema guarantees what each flow needs is present when the login URL is.
  return new JsforceSalesforceSource({
    loginUrl: config.LEAF_SALESFORCE_LOGIN_URL,
    clientId: config.LEAF_SALESFORCE_CLIENT_ID ?? '',
    ...(config.LEAF_SALESFORCE_AUTH_FLOW === 'jwt-bearer'
      ? { jwt: { username: config.LEAF_SALESFORCE_USERNAME ?? '', privateKey: privateKey(config), audience: config.LEAF_SALESFORCE_JWT_AUDIENCE } }
      : { clientSecret: config.LEAF_SALESFORCE_CLIENT_SECRET ?? '' }),
    apiVersion: config.LEAF_SALESFORCE_API_VERSION,
    pollIntervalMs: config.LEAF_SALESFORCE_BULK_POLL_MS,
    limitBackoffMs: config.LEAF_SALESFORCE_LIMIT_BACKOFF_MS,
  });
}

/**
 * salesforce-mirror: the read-only mirror of the org's IT requests (`IT_Request__c`) with field
 * history, files (bytes in the lake), notes, feed and comments and soft deletes; completeness
 * checked after every sync; run-plan lineage from the task ledger (after each sync and on every
 * task event); evidence bundles and search
 * documents published through the outbox.
 */
export const salesforceMirrorService = defineService<SalesforceMirrorConfig>(
  'salesforce-mirror',
  (config) => ({
    controllers: [SalesforceController, LineageEventsHandlers],
    providers: [
      { provide: SALESFORCE_SOURCE, useValue: salesforceSource(config) },
      {
        provide: SYNC_OPTIONS,
        useValue: { overlapMs: config.LEAF_SALESFORCE_OVERLAP_MS, deleteRetentionMs: config.LEAF_SALESFORCE_DELETE_RETENTION_DAYS * 86_400_000 },
      },
      { provide: SYNC_ON_START, useValue: config.LEAF_SALESFORCE_SYNC_ON_START },
      SalesforceSyncService,
    ],
  }),
  {
    // The ledger's tables are read for lineage (agent-dispatcher owns them; listing them here lets
    // a container on an empty database start, as lane-worker does).
    migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...taskLedgerMigrations.postgres, ...salesforceMirrorMigrations.postgres],
    configSchema: salesforceMirrorConfigSchema,
  },
);
