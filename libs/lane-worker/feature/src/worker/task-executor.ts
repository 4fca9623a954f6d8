import type { Lake } from '@leaf/storage';
import type { TaskArtifact } from '@leaf/contracts';
import type { EntityManager } from 'typeorm';

export type ArtifactRef = Omit<TaskArtifact, 'attempt'>;

/** What one attempt of a task sees. */
export interface TaskContext {
  taskId: string;
  attempt: number;
  kind: string;
  clientId: string;
  parameters: Record<string, unknown>;
  requestedBy: string;
  traceId: string;
  /** Aborted on cancel, timeout, lease loss or shutdown; executors pass it to every await that can take long. */
  signal: AbortSignal;
  /** A directory of this attempt's own, removed when it ends. */
  workspace: string;
  lake: Lake;
  /** What an earlier attempt recorded (e.g. the upstream run it started). */
  checkpoint: Record<string, unknown> | null;
  saveCheckpoint(data: Record<string, unknown>): Promise<void>;
  progress(detail: Record<string, unknown>): Promise<void>;
  span<T>(name: string, attributes: Record<string, string | number | boolean>, work: () => Promise<T>): Promise<T>;
  /** Stores bytes in the lake (content-addressed) and returns the reference to record. */
  writeArtifact(name: string, content: Buffer | string, contentType: string): Promise<ArtifactRef>;
}

export interface TaskOutcome {
  result: Record<string, unknown>;
  artifacts: ArtifactRef[];
  /** Written in the same transaction as the success, fenced by the lease: it happens once. */
  effect?: (manager: EntityManager) => Promise<void>;
}

export interface TaskExecutor {
  readonly kind: string;
  run(context: TaskContext): Promise<TaskOutcome>;
}
