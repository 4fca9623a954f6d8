import { defineService } from '@leaf/service-kit';

/**
 * domo-takeover: Domo extract ingestion into bronze/silver/curated with flaw gates and golden comparisons.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const domoTakeoverService = defineService('domo-takeover');
