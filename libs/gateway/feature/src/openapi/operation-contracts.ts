import {
  claimsSummaryQuerySchema,
  clientParamsSchema,
  createTaskSchema,
  deadLetterAddressBodySchema,
  deadLetterBatchBodySchema,
  deadLetterListQuerySchema,
  deadLetterParamsSchema,
  findingsQuerySchema,
  packetListQuerySchema,
  packetParamsSchema,
  packetRejectBodySchema,
  packetSyncBodySchema,
  reconciliationRunParamsSchema,
  runDiffQuerySchema,
  runListQuerySchema,
  searchQuerySchema,
  salesforceFileParamsSchema,
  salesforceLineageQuerySchema,
  salesforceRequestListQuerySchema,
  salesforceRequestParamsSchema,
  salesforceSyncBodySchema,
  startReconciliationSchema,
  taskDetailSchema,
  taskListQuerySchema,
  taskArtifactParamsSchema,
  taskParamsSchema,
} from '@leaf/contracts';
import type { z } from 'zod';
import { artifactParamsSchema } from '../reconciliations/reconciliations.api';
import { domoOperationContracts } from './operation-contracts.domo';

/** Problem statuses an operation can answer; 401 and 429 apply to every routed operation. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;

/**
 * What the document says about one gateway operation beyond what Nest reads from the controller:
 * its name, the zod contracts of its path, query and body (the same ones its ZodPipes apply), the
 * status it answers on success and the problems it can answer. Examples name what the seeded local
 * stack really has (seed 20251123: client `northfield-tech`, period `northfield-tech-py2025`).
 */
export interface OperationContract {
  readonly operationId: string;
  readonly summary: string;
  readonly status: number;
  readonly path?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean; readonly example: unknown };
  /** For a success answer the controller does not describe (its schema and description). */
  readonly response?: { readonly schema: z.ZodType; readonly description: string };
  readonly problems: readonly ProblemStatus[];
  /** Why 403 is answered, when it is not only the role (e.g. an operator-only artifact). */
  readonly forbidden?: string;
}

/** Example values of path and query parameters, by name: ids the seeded local stack has, or the form of one a previous answer gives. */
export const parameterExamples: Readonly<Record<string, unknown>> = {
  clientId: 'northfield-tech',
  runId: 'rec_01jdx0k7v9m3q4r5s6t7u8w9yz',
  against: 'rec_01jdx0m2a8b4c6d8e0f2g4h6jk',
  taskId: 'tsk_01jdx0k7v9m3q4r5s6t7u8w9yz',
  packetId: 'pkt-0123456789abcdef01234567',
  name: 'reconciliation.xlsx',
  from: '2025-01-01',
  to: '2025-12-31',
  limit: 50,
  requestId: 'a0X000000000001AAA',
  contentVersionId: '068000000000005AAA',
  artifactSha256: 'b'.repeat(64),
  // --- domo-takeover (h-domo) ---
  exportId: 'dex-0123456789abcdef01234567',
  comparisonId: 'dcm-0123456789abcdef01234567',
  // --- end domo-takeover ---
  queue: 'agent-tasks',
  sequenceNumber: '42',
};

const seededClient = 'northfield-tech';
const seededPeriod = 'northfield-tech-py2025';
const post = [400, 401, 403, 409, 413, 415, 429] as const;

/** Keyed by `METHOD /path` as the document spells it. */
export const operationContracts: Readonly<Record<string, OperationContract>> = {
  'GET /health': { operationId: 'getPlatformHealth', summary: 'Readiness of every service in one answer (operators)', status: 200, problems: [401, 403, 429] },
  'GET /v1/clients': {
    operationId: 'listClients',
    summary: 'List the clients the caller may see, with their contract periods',
    status: 200,
    problems: [401, 429],
  },
  'GET /v1/clients/{clientId}/guarantees': {
    operationId: 'listGuarantees',
    summary: 'Current version of every contracted term of a client, with its evidence',
    status: 200,
    path: clientParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/clients/{clientId}/claims/summary': {
    operationId: 'getClaimsSummary',
    summary: 'Net claims of a client by channel and brand/generic, with the effective AWP discount',
    status: 200,
    path: clientParamsSchema,
    query: claimsSummaryQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/clients/{clientId}/reconciliations': {
    operationId: 'startReconciliation',
    summary: 'Start a guarantee reconciliation of a contract period (202; poll Location)',
    status: 202,
    path: clientParamsSchema,
    body: { schema: startReconciliationSchema, required: true, example: { periodId: seededPeriod } },
    problems: [...post, 404],
  },
  'GET /v1/clients/{clientId}/reconciliations': {
    operationId: 'listReconciliations',
    summary: "A client's reconciliation runs, newest first, filtered by period and status; follow nextLink",
    status: 200,
    path: clientParamsSchema,
    query: runListQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}/diff': {
    operationId: 'diffReconciliations',
    summary: 'What changed between two runs of a client: buckets and findings, with the term versions behind them',
    status: 200,
    path: reconciliationRunParamsSchema,
    query: runDiffQuerySchema,
    problems: [400, 401, 404, 409, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}/findings.csv': {
    operationId: 'downloadFindingsCsv',
    summary: 'Every finding of a run as CSV (streamed)',
    status: 200,
    path: reconciliationRunParamsSchema,
    problems: [400, 401, 404, 409, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}/events': {
    operationId: 'streamReconciliationEvents',
    summary: "Follow a run's progress as server-sent events until it ends",
    status: 200,
    path: reconciliationRunParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}': {
    operationId: 'getReconciliation',
    summary: 'A reconciliation run: status, progress, summary, buckets and artifacts',
    status: 200,
    path: reconciliationRunParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}/findings': {
    operationId: 'listFindings',
    summary: "One page of a run's findings; follow nextLink",
    status: 200,
    path: reconciliationRunParamsSchema,
    query: findingsQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/clients/{clientId}/reconciliations/{runId}/artifacts/{name}': {
    operationId: 'getReconciliationArtifact',
    summary: 'Download one artifact of a run (workbook, PDF, findings or the replay record)',
    status: 200,
    path: artifactParamsSchema,
    problems: [400, 401, 403, 404, 429],
    forbidden: 'run-inputs.json records every query the run sent to the claims source (SQL text included): only operators may download it',
  },
  'POST /v1/tasks': {
    operationId: 'createTask',
    summary: 'Create an agent task (201; 200 when the Idempotency-Key already created it)',
    status: 201,
    body: {
      schema: createTaskSchema,
      required: true,
      example: { kind: 'claims.reconcile', clientId: seededClient, parameters: { clientId: seededClient, periodId: seededPeriod } },
    },
    problems: [...post, 404],
  },
  'GET /v1/tasks': {
    operationId: 'listTasks',
    summary: "List the tasks of the caller's clients, newest first; follow nextLink",
    status: 200,
    query: taskListQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/tasks/{taskId}': {
    operationId: 'getTask',
    summary: 'A task with its trace, blockers, artifacts and history',
    status: 200,
    path: taskParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/tasks/{taskId}/cancel': {
    operationId: 'cancelTask',
    summary: 'Ask for a task to be cancelled (202)',
    status: 202,
    path: taskParamsSchema,
    response: { schema: taskDetailSchema, description: 'the task, cancelled or cancelling' },
    problems: [400, 401, 403, 404, 409, 429],
  },
  'POST /v1/tasks/{taskId}/approve': {
    operationId: 'approveTask',
    summary: 'Approve a task blocked on approval (operators)',
    status: 200,
    path: taskParamsSchema,
    response: { schema: taskDetailSchema, description: 'the task, approved' },
    problems: [400, 401, 403, 404, 409, 429],
  },
  'POST /v1/tasks/{taskId}/replay': {
    operationId: 'replayTask',
    summary: 'Run a task again as a new task (201)',
    status: 201,
    path: taskParamsSchema,
    response: { schema: taskDetailSchema, description: 'the new task' },
    problems: [400, 401, 403, 404, 409, 429],
  },
  'GET /v1/tasks/{taskId}/artifacts/{name}': {
    operationId: 'getTaskArtifact',
    summary: "Download a file a task recorded (e.g. report.narrative's narrative.md); ETag is its sha256",
    status: 200,
    path: taskArtifactParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/tasks/{taskId}/events': {
    operationId: 'streamTaskEvents',
    summary: "Follow a task's history as server-sent events",
    status: 200,
    path: taskParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/packets': {
    operationId: 'listPackets',
    summary: "List the contract packets of the caller's clients; follow nextLink",
    status: 200,
    query: packetListQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/packets/sync': {
    operationId: 'syncPackets',
    summary: 'Run one sync round of the contract packet drive (operators; 202)',
    status: 202,
    body: { schema: packetSyncBodySchema, required: false, example: { clientId: seededClient } },
    problems: [...post, 404],
  },
  'GET /v1/search': {
    operationId: 'search',
    summary:
      "Search the caller's clients' contracts, findings, requests, takeover comparisons and docs: hybrid keyword + vector, the client scope inside every branch",
    status: 200,
    query: searchQuerySchema,
    problems: [400, 401, 403, 404, 429],
    forbidden: 'the findings and takeover modules need the analyst role',
  },
  'GET /v1/packets/{packetId}': {
    operationId: 'getPacket',
    summary: 'A contract packet with its versions',
    status: 200,
    path: packetParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/packets/{packetId}/terms': {
    operationId: 'listPacketTerms',
    summary: 'The terms extracted from a packet, with their locators',
    status: 200,
    path: packetParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/packets/{packetId}/approve': {
    operationId: 'approvePacket',
    summary: "Promote a packet's extracted terms to the guarantees (operators)",
    status: 200,
    path: packetParamsSchema,
    problems: [400, 401, 403, 404, 409, 429],
  },
  'POST /v1/packets/{packetId}/reject': {
    operationId: 'rejectPacket',
    summary: 'Reject a packet, with the reason (operators)',
    status: 200,
    path: packetParamsSchema,
    body: { schema: packetRejectBodySchema, required: true, example: { reason: 'the rate schedule is from the superseded amendment' } },
    problems: [...post, 404],
  },
  'GET /v1/salesforce/requests': {
    operationId: 'listSalesforceRequests',
    summary:
      "List the IT requests mirrored from Salesforce for the caller's clients (filters: status, subject words, modified since, deleted); follow nextLink",
    status: 200,
    query: salesforceRequestListQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/salesforce/requests/{requestId}': {
    operationId: 'getSalesforceRequest',
    summary: 'An IT request with its fields, field history, files, notes, feed and comments, and the tasks, runs and deliverables it caused',
    status: 200,
    path: salesforceRequestParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/salesforce/requests/{requestId}/files/{contentVersionId}': {
    operationId: 'getSalesforceRequestFile',
    summary: 'Download a file of an IT request from the mirror (ETag is its sha256; 409 while not yet copied)',
    status: 200,
    path: salesforceFileParamsSchema,
    problems: [400, 401, 404, 409, 429],
  },
  'GET /v1/salesforce/lineage': {
    operationId: 'getSalesforceLineage',
    summary: 'The IT request behind a task or a deliverable (one of taskId, artifactSha256)',
    status: 200,
    query: salesforceLineageQuerySchema,
    problems: [400, 401, 429],
  },
  'GET /v1/salesforce/sync': {
    operationId: 'getSalesforceSyncStatus',
    summary: 'Watermarks per Salesforce object and the latest mirror syncs with their API usage (operators of every client)',
    status: 200,
    problems: [401, 403, 429],
    forbidden: 'the mirror is org-wide: an operator of every client',
  },
  'POST /v1/salesforce/sync': {
    operationId: 'syncSalesforce',
    summary: 'Run one sync of the Salesforce mirror, incremental or full (operators; 202)',
    status: 202,
    body: { schema: salesforceSyncBodySchema, required: false, example: { full: false } },
    problems: [...post],
  },
  'GET /v1/salesforce/completeness': {
    operationId: 'listSalesforceCompleteness',
    summary: 'Completeness reports of the latest syncs: counts and id sets against Salesforce (operators of every client)',
    status: 200,
    problems: [401, 403, 429],
    forbidden: 'the mirror is org-wide: an operator of every client',
  },
  'GET /v1/operations/queues': {
    operationId: 'getQueueDepths',
    summary: 'Active, scheduled and dead-lettered messages and the oldest message age of every queue and subscription (operators)',
    status: 200,
    problems: [401, 403, 429],
  },
  'GET /v1/operations/lanes': {
    operationId: 'getLaneStatus',
    summary: 'Per task lane: queued, running, stuck and blocked tasks and the workers holding leases (operators)',
    status: 200,
    problems: [401, 403, 429],
  },
  'GET /v1/operations/cluster': {
    operationId: 'getClusterStatus',
    summary: 'KEDA objects, lane-worker pods and Jobs in the cluster, or why the cluster cannot be read (operators)',
    status: 200,
    problems: [401, 403, 429],
  },
  // --- domo-takeover (h-domo): its operations live in operation-contracts.domo.ts ---
  ...domoOperationContracts,
  // --- end domo-takeover ---
  // ---- h-ops: dead-letter administration (operators) ----
  'GET /v1/operations/dead-letters': {
    operationId: 'listDeadLetters',
    summary:
      'A page of the dead letters of one queue or subscription: reason, description, delivery count, enqueued time, message id, subject and a scrubbed body preview (operators, within their client scope)',
    status: 200,
    query: deadLetterListQuerySchema,
    problems: [400, 401, 403, 404, 429],
  },
  'POST /v1/operations/dead-letters/resubmit': {
    operationId: 'resubmitDeadLetters',
    summary: 'Resubmit a batch of dead letters to their original entity; says which were resubmitted, not found, not reached or refused (operators)',
    status: 200,
    body: { schema: deadLetterBatchBodySchema, required: true, example: { queue: 'agent-tasks', sequenceNumbers: ['42', '43'] } },
    problems: [...post, 404],
  },
  'POST /v1/operations/dead-letters/{sequenceNumber}/resubmit': {
    operationId: 'resubmitDeadLetter',
    summary: 'Resubmit one dead letter to its original entity as a new message (operators; 409 for a body that can never be handled)',
    status: 200,
    path: deadLetterParamsSchema,
    body: { schema: deadLetterAddressBodySchema, required: true, example: { queue: 'agent-tasks' } },
    problems: [...post, 404],
  },
  'POST /v1/operations/dead-letters/{sequenceNumber}/purge': {
    operationId: 'purgeDeadLetter',
    summary: 'Complete one dead letter for good, without sending it anywhere (operators)',
    status: 200,
    path: deadLetterParamsSchema,
    body: { schema: deadLetterAddressBodySchema, required: true, example: { queue: 'agent-tasks' } },
    problems: [...post, 404],
  },
  // ---- end h-ops ----
};
