import { defaultServicePorts } from '@leaf/contracts';
import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const laneWorkerConfigSchema = platformConfigSchema.extend({
  LEAF_CLAIMS_RUNTIME_URL: z.url().default(`http://127.0.0.1:${defaultServicePorts['claims-runtime']}`),
  LEAF_CONTRACT_PACKETS_URL: z.url().default(`http://127.0.0.1:${defaultServicePorts['contract-packets']}`),
  /** Tasks one worker runs at once. */
  LEAF_LANE_WORKER_CONCURRENCY: int(1, 64).default(4),
  LEAF_TASK_HEARTBEAT_MS: int(50, 60_000).default(2_000),
  /** A lease not renewed for this long is presumed dead: several heartbeats. */
  LEAF_TASK_LEASE_MS: int(200, 600_000).default(15_000),
  LEAF_TASK_RETRY_BASE_MS: int(10, 600_000).default(2_000),
  LEAF_TASK_POLL_MS: int(20, 60_000).default(1_000),
  /** Without these three the narrative uses its deterministic template. */
  LEAF_AZURE_OPENAI_ENDPOINT: z.url().optional(),
  LEAF_AZURE_OPENAI_API_KEY: z.string().min(1).optional(),
  LEAF_AZURE_OPENAI_DEPLOYMENT: z.string().min(1).optional(),
  LEAF_AZURE_OPENAI_API_VERSION: z.string().min(1).default('2024-10-21'),
});
export type LaneWorkerConfig = z.infer<typeof laneWorkerConfigSchema>;
