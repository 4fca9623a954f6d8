import { laneQueues, type EntityName, type EntityPayload, type LaneQueueName, type TaskLane } from '@leaf/contracts';
import type { EntityManager } from 'typeorm';
import { dispatchMessageId } from './task-ids';
import type { TaskRow } from './task-row';

export const agentTasksQueue = laneQueues.short;

/** The queue a task of this lane is woken on: short tasks share long-running workers, long ones get a Job each. */
export const queueOfLane = (lane: TaskLane): LaneQueueName => laneQueues[lane];

/**
 * Writes a message into the outbox inside the given transaction. The ledger is data access and
 * may not depend on the messaging lib, so the feature hands in `addToOutbox` (same signature).
 */
export type OutboxWriter = <E extends EntityName>(
  manager: EntityManager,
  entity: E,
  message: {
    body: EntityPayload<E>;
    messageId?: string;
    correlationId?: string;
    subject?: string;
    applicationProperties?: Record<string, string | number | boolean>;
  },
) => Promise<string>;

/** W3C traceparent for the task's trace. */
export const traceparentOf = (traceId: string, spanId = '0000000000000001'): string => `00-${traceId}-${spanId}-01`;

/**
 * Writes the task's wake-up in the caller's transaction (the ledger change and the message commit
 * together). The first message id is the task id; re-dispatches are suffixed so the bus's
 * duplicate detection does not swallow them.
 */
export async function addDispatchToOutbox(
  outbox: OutboxWriter,
  manager: EntityManager,
  task: Pick<TaskRow, 'task_id' | 'kind' | 'client_id' | 'parameters' | 'requested_by' | 'lane' | 'trace_id'>,
  dispatch: number,
): Promise<string> {
  return outbox(manager, queueOfLane(task.lane), {
    messageId: dispatchMessageId(task.task_id, dispatch),
    correlationId: task.task_id,
    subject: task.kind,
    body: {
      taskId: task.task_id,
      kind: task.kind,
      clientId: task.client_id,
      parameters: JSON.parse(task.parameters) as Record<string, unknown>,
      requestedBy: task.requested_by,
    },
    applicationProperties: { traceparent: traceparentOf(task.trace_id), lane: task.lane, dispatch },
  });
}
