import { defineService } from '@leaf/service-kit';

/**
 * agent-dispatcher: the task ledger, policy gates and dispatch to agent-tasks.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const agentDispatcherService = defineService('agent-dispatcher');
