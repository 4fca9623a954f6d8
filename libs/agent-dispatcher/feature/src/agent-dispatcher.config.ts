import { intSetting as int, platformConfigSchema, serviceUrlSetting } from '@leaf/platform';
import type { z } from 'zod';

export const agentDispatcherConfigSchema = platformConfigSchema.extend({
  /** How often the watchdog looks for tasks whose worker stopped heartbeating. */
  LEAF_TASK_WATCHDOG_MS: int(50, 600_000).default(5_000).describe('How often the watchdog looks for tasks whose worker stopped heartbeating.'),
  /** Past its lease's expiry by this much, a task's worker is presumed gone. */
  LEAF_TASK_LEASE_GRACE_MS: int(0, 600_000).default(5_000).describe("How far past its lease's expiry a task's worker is presumed gone."),
  /** A dispatched task nobody took for this long gets a fresh wake-up. */
  LEAF_TASK_STALE_DISPATCH_MS: int(1_000, 86_400_000)
    .default(10 * 60_000)
    .describe('A dispatched task nobody took for this long gets a fresh wake-up.'),
  /** Progress streams poll the history this often (task events on the bus wake them sooner). */
  LEAF_TASK_STREAM_POLL_MS: int(20, 10_000).default(500).describe('How often progress streams poll the task history (bus events wake them sooner).'),
  /** claims-runtime, asked at create whether a task's period or run belongs to the task's client. */
  LEAF_CLAIMS_RUNTIME_URL: serviceUrlSetting(
    'claims-runtime',
    "claims-runtime's base URL; agent-dispatcher asks it whether a task's period or run belongs to the task's client.",
  ),
  /** How long that question may take before the create fails with 502. */
  LEAF_REFERENCE_CHECK_TIMEOUT_MS: int(100, 60_000).default(5_000).describe('How long the reference check may take before a task create fails with 502.'),
});
export type AgentDispatcherConfig = z.infer<typeof agentDispatcherConfigSchema>;
