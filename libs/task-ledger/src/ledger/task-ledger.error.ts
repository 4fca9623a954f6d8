import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const taskLedgerErrorCodes = ['TASK_NOT_FOUND', 'TASK_STATE_CONFLICT', 'TASK_LEASE_LOST', 'TASK_IDEMPOTENCY_CONFLICT', 'TASK_SELF_APPROVAL'] as const;
export type TaskLedgerErrorCode = (typeof taskLedgerErrorCodes)[number];

export class TaskLedgerError extends CodedError<TaskLedgerErrorCode> {
  override readonly name = 'TaskLedgerError';
}

export const isTaskLedgerError = codedErrorGuard(TaskLedgerError);
