import type { TaskStatus } from '@leaf/contracts';
import type { EntityManager } from 'typeorm';
import { appendHistory } from './task-history';

/** What claims-runtime announced about a run (`claims.reconciliation-completed.v1`). */
export interface RunOutcome {
  runId: string;
  clientId: string;
  periodId: string;
  shortfall: string;
  findingsArtifactSha256: string | null;
  completedAt: string;
}

/**
 * Appends the run's outcome to the history of every `claims.reconcile` task of that client whose
 * checkpoint names the run (the task that started it, whatever state it reached since), in the
 * caller's transaction, and returns their ids so their progress streams can be woken.
 */
export async function recordRunOutcome(manager: EntityManager, outcome: RunOutcome): Promise<string[]> {
  const tasks: Array<{ task_id: string; status: TaskStatus; attempts: number }> = await manager.query(
    `SELECT task_id, status, attempts FROM agent_tasks
      WHERE kind = 'claims.reconcile' AND client_id = $1 AND checkpoint IS NOT NULL AND checkpoint::jsonb ->> 'runId' = $2
      ORDER BY task_seq FOR UPDATE`,
    [outcome.clientId, outcome.runId],
  );
  for (const task of tasks) {
    await appendHistory(manager, task.task_id, {
      type: 'progress',
      status: task.status,
      attempt: Math.max(task.attempts, 1),
      actor: 'claims-runtime',
      detail: { event: 'reconciliation-completed', ...outcome },
    });
  }
  return tasks.map((t) => t.task_id);
}
