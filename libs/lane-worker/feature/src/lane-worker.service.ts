import { defineService } from '@leaf/service-kit';

/**
 * lane-worker: KEDA-scaled workers that run agent-tasks with traces and artifacts.
 * Today it runs on the shared kit only (health, readiness of its database, shutdown); its domain
 * modules land with its own issue.
 */
export const laneWorkerService = defineService('lane-worker');
