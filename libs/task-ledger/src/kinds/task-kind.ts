import type { Role, TaskLane } from '@leaf/contracts';
import type { z } from 'zod';

/**
 * What the platform knows about one kind of task before anything runs: how its parameters look,
 * who may ask for it, whether it changes anything (then an operator approves), and how it runs.
 */
/** What a parameter names in another service: checked to belong to the task's client when the task is created. */
export type TaskReference = 'contract-period' | 'reconciliation-run';

export interface TaskKindDefinition<P extends z.ZodType = z.ZodType> {
  kind: string;
  description: string;
  parameters: P;
  /** The weakest role that may request it. */
  requestRole: Role;
  /** Changes state outside the task's own artifacts: blocked until an operator approves. */
  mutates: boolean;
  /** Re-running from the recorded inputs gives byte-identical artifacts. */
  deterministic: boolean;
  timeoutMs: number;
  maxAttempts: number;
  /** `short` runs in the long-running workers (agent-tasks); `long` gets a Job of its own (agent-tasks-long). */
  lane: TaskLane;
  /** Scratch space a long task needs, in GiB: the long-lane Job's ephemeral volume must be at least this (charts:check). */
  workspaceGi?: number;
  /** Parameters that name something of the task's client elsewhere (a period, a run), by parameter name. */
  references?: Readonly<Record<string, TaskReference>>;
  /** Running at once across all workers; and per client scope. */
  concurrency: { perKind: number; perClient: number };
}

export const defineTaskKind = <P extends z.ZodType>(definition: TaskKindDefinition<P>): TaskKindDefinition<P> => definition;
