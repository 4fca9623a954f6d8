import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `tsk_` + 26 random lowercase characters: the task id, its first message id and its idempotency record. */
export function newTaskId(): string {
  let id = 'tsk_';
  for (const b of randomBytes(26)) id += alphabet[b % alphabet.length];
  return id;
}

/** W3C trace id (16 bytes hex) and span id (8 bytes hex). */
export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

/**
 * The message id of a task's wake-up: the task id itself first, then `<taskId>.<reason><n>`
 * (`w` watchdog/approval re-dispatch, `r` retry, `t` throttled).
 */
export const dispatchMessageId = (taskId: string, n: number, reason: 'w' | 'r' | 't' = 'w'): string =>
  n <= 1 && reason === 'w' ? taskId : `${taskId}.${reason}${n}`;
