import { defineService } from '@leaf/service-kit';

/**
 * retrieval: scoped, source-aware search over Azure AI Search or the Postgres hybrid index.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const retrievalService = defineService('retrieval');
