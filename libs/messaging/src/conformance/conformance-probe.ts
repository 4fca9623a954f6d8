import { randomUUID } from 'node:crypto';
import type { EntityPayload } from '@leaf/contracts';
import type { ReceivedMessage } from '../port/message';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function agentTask(n: number): EntityPayload<'agent-tasks'> {
  return { taskId: `task-${n}-${randomUUID().slice(0, 8)}`, kind: 'conformance', clientId: 'acme-health', parameters: { n }, requestedBy: 'conformance' };
}

export function taskEvent(n: number): EntityPayload<'agent.task-started.v1'> {
  return { taskId: `task-${n}`, kind: 'conformance', clientId: 'acme-health', attempt: n, at: new Date().toISOString() };
}

/** Polls until `read()` satisfies `done`, failing with what was last seen. */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last, bigintJson)}`);
    await sleep(25);
    last = await read();
  }
  return last;
}

const bigintJson = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** What a handler saw, with when it saw it. */
export interface Seen {
  message: ReceivedMessage;
  at: number;
}

export function recorder() {
  const seen: Seen[] = [];
  return {
    seen,
    record(message: ReceivedMessage) {
      seen.push({ message, at: Date.now() });
    },
    count: () => seen.length,
    bodies: () => seen.map((s) => s.message.body),
  };
}

/** `list[index]`, failing the test with a message when it is missing. */
export function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`expected an item at ${index}, got ${list.length} items`);
  return item;
}
