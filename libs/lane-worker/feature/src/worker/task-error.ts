import { CodedError, codedErrorGuard } from '@leaf/contracts';

/**
 * How an executor says a task failed: `retryable` (network, 5xx, timeout: try again with
 * backoff) or not (4xx, a failed upstream run, bad data: retrying gives the same answer).
 */
export class TaskError extends CodedError<string> {
  override readonly name = 'TaskError';

  constructor(
    code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export const isTaskError = codedErrorGuard(TaskError);
