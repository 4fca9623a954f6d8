import { defaultServicePorts, laneQueues } from '@leaf/contracts';
import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const laneWorkerConfigSchema = platformConfigSchema.extend({
  LEAF_CLAIMS_RUNTIME_URL: z
    .url()
    .default(`http://127.0.0.1:${defaultServicePorts['claims-runtime']}`)
    .describe("claims-runtime's base URL; the worker starts and follows reconciliation runs there."),
  LEAF_CONTRACT_PACKETS_URL: z
    .url()
    .default(`http://127.0.0.1:${defaultServicePorts['contract-packets']}`)
    .describe("contract-packets' base URL; the worker calls its packet API."),
  LEAF_RETRIEVAL_URL: z
    .url()
    .default(`http://127.0.0.1:${defaultServicePorts.retrieval}`)
    .describe("retrieval's base URL; the worker asks it to reindex (retrieval.reindex)."),
  LEAF_SALESFORCE_MIRROR_URL: z
    .url()
    .default(`http://127.0.0.1:${defaultServicePorts['salesforce-mirror']}`)
    .describe("salesforce-mirror's base URL; the worker starts its syncs (salesforce.sync)."),
  LEAF_DOMO_TAKEOVER_URL: z
    .url()
    .default(`http://127.0.0.1:${defaultServicePorts['domo-takeover']}`)
    .describe("domo-takeover's base URL; the worker starts its ingests and comparisons (domo.ingest, domo.compare)."),
  /** Tasks one worker runs at once. */
  LEAF_LANE_WORKER_CONCURRENCY: int(1, 64).default(4).describe('Tasks one worker runs at once.'),
  LEAF_LANE_QUEUE: z
    .enum([laneQueues.short, laneQueues.long, 'all'])
    .default('all')
    .describe(
      "The lane this worker serves: agent-tasks (the short lane's Deployment), agent-tasks-long (a long-lane Job) or all (one process for both, as in the local stack).",
    ),
  LEAF_LANE_WORKER_ONE_TASK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Run one task, then shut down: a KEDA ScaledJob starts one Job per message, so a scale-in never stops a long task midway.'),
  LEAF_TASK_WORKSPACE_DIR: z
    .string()
    .min(1)
    .optional()
    .describe("Where each task's scratch workspace is made (a long-lane Job mounts its ephemeral volume here); the OS temporary folder when unset."),
  LEAF_TASK_HEARTBEAT_MS: int(50, 60_000).default(2_000).describe('How often a worker renews the lease of each task it runs.'),
  /** A lease not renewed for this long is presumed dead: several heartbeats. */
  LEAF_TASK_LEASE_MS: int(200, 600_000).default(15_000).describe('A task lease not renewed for this long is presumed dead (several heartbeats).'),
  LEAF_TASK_RETRY_BASE_MS: int(10, 600_000).default(2_000).describe('Base delay of the exponential backoff before a failed task is retried.'),
  LEAF_TASK_POLL_MS: int(20, 60_000).default(1_000).describe('How often a claims-reconcile task polls the status of the run it started.'),
  /** Without these three the narrative uses its deterministic template. */
  LEAF_AZURE_OPENAI_ENDPOINT: z
    .url()
    .optional()
    .describe('Azure OpenAI endpoint for narratives; without endpoint, key and deployment the narrative uses its deterministic template.'),
  LEAF_AZURE_OPENAI_API_KEY: z.string().min(1).optional().describe('Azure OpenAI API key (a Key Vault mount; never logged).'),
  LEAF_AZURE_OPENAI_DEPLOYMENT: z.string().min(1).optional().describe('Azure OpenAI deployment (model) name.'),
  LEAF_AZURE_OPENAI_API_VERSION: z.string().min(1).default('2024-10-21').describe('Azure OpenAI REST API version.'),
});
export type LaneWorkerConfig = z.infer<typeof laneWorkerConfigSchema>;
