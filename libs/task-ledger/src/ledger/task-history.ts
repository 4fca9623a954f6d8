import type { TaskEventType, TaskStatus } from '@leaf/contracts';
import type { EntityManager } from 'typeorm';

export interface HistoryEntry {
  type: TaskEventType;
  status: TaskStatus;
  attempt: number;
  actor: string;
  detail?: Record<string, unknown>;
}

/** Appends to the task's history in the caller's transaction (the table refuses updates and deletes). */
export async function appendHistory(manager: EntityManager, taskId: string, entry: HistoryEntry): Promise<void> {
  await manager.query(`INSERT INTO agent_task_events (task_id, type, status, attempt, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
    taskId,
    entry.type,
    entry.status,
    entry.attempt,
    entry.actor,
    JSON.stringify(entry.detail ?? {}),
  ]);
}
