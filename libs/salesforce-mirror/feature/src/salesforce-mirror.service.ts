import { defineService } from '@leaf/service-kit';

/**
 * salesforce-mirror: the Salesforce IT-request mirror with history, files, notes, feed, comments and lineage.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const salesforceMirrorService = defineService('salesforce-mirror');
