import { defineService } from '@leaf/service-kit';

/**
 * contract-packets: read-only OneDrive/Graph contract packets into contract guarantees with evidence.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const contractPacketsService = defineService('contract-packets');
