import type { Env } from '@leaf/platform';
import { FakeSalesforceServer } from '@leaf/fake-salesforce';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import type { Logger } from 'pino';
import type { LocalStackConfig } from './local-stack.config';

/** IT requests in the local stack's synthetic org (a few hundred records with their children). */
export const LOCAL_ORG_REQUESTS = 60;

export interface PreparedSalesforce {
  /** Settings for salesforce-mirror: the org to mirror and sync-on-start (empty when the user named an org). */
  readonly env: Env;
  stop(): Promise<void>;
}

/**
 * The Salesforce org the local stack mirrors. With no `LEAF_SALESFORCE_LOGIN_URL` set, a synthetic
 * org (the seed's clients, the stack's seed) is served on a local HTTPS port inside this process
 * and salesforce-mirror syncs it before it takes requests; its certificate is trusted by this
 * process only and its client credentials are random per start (never printed). The org is the
 * same on every start, so a restart's incremental sync finds nothing new. An org the user named
 * is theirs: nothing is started and the settings pass through unchanged.
 */
export async function prepareSalesforce(config: LocalStackConfig, env: Env, logger: Logger): Promise<PreparedSalesforce> {
  if (env['LEAF_SALESFORCE_LOGIN_URL']?.trim()) return { env: {}, stop: async () => undefined };
  const clients = createSyntheticSeed({ seed: config.LEAF_SEED, claims: config.LEAF_SEED_CLAIMS }).clients.map((c) => c.clientId);
  const fake = await FakeSalesforceServer.start({ seed: config.LEAF_SEED, requests: LOCAL_ORG_REQUESTS, clients });
  logger.info({ requests: LOCAL_ORG_REQUESTS, clients: clients.length }, 'synthetic Salesforce org started for salesforce-mirror');
  return {
    env: {
      LEAF_SALESFORCE_LOGIN_URL: fake.url,
      LEAF_SALESFORCE_CLIENT_ID: fake.clientId,
      LEAF_SALESFORCE_CLIENT_SECRET: fake.clientSecret,
      LEAF_SALESFORCE_SYNC_ON_START: env['LEAF_SALESFORCE_SYNC_ON_START'] ?? 'true',
      // The fake finishes a Bulk API job by its second poll: a second per poll would only add waiting.
      LEAF_SALESFORCE_BULK_POLL_MS: env['LEAF_SALESFORCE_BULK_POLL_MS'] ?? '50',
    },
    stop: () => fake.stop(),
  };
}
