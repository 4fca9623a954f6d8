import type { ReceivedMessage } from '../port/message';
import type { HandlerContext } from '../port/settlement';
import { typedHandler } from './typed-handler';

const task = { taskId: 't-1', kind: 'claims.reconcile', clientId: 'city-of-riverton', parameters: { periodId: 'p' }, requestedBy: 'analyst@leaf' };

const received = (body: unknown): ReceivedMessage => ({
  body,
  messageId: 'm-1',
  applicationProperties: {},
  sequenceNumber: 1n,
  deliveryCount: 1,
  enqueuedAt: new Date(),
  state: 'active',
});

/** Records settlements; the bus adapters' own settlement is covered by the conformance suite. */
function recordingContext() {
  const calls: Array<[string, unknown]> = [];
  const context = {
    signal: new AbortController().signal,
    complete: async () => void calls.push(['complete', undefined]),
    abandon: async (o?: unknown) => void calls.push(['abandon', o]),
    deadLetter: async (o: unknown) => void calls.push(['deadLetter', o]),
    defer: async () => void calls.push(['defer', undefined]),
    renewLock: async () => new Date(),
  } satisfies HandlerContext;
  return { context, calls };
}

describe('typedHandler', () => {
  it('hands a valid payload, typed, to the handler and settles nothing itself', async () => {
    const seen: string[] = [];
    const { context, calls } = recordingContext();
    await typedHandler('agent-tasks', async (payload) => void seen.push(`${payload.kind}:${payload.taskId}`))(received(task), context);
    expect(seen).toEqual(['claims.reconcile:t-1']);
    expect(calls).toEqual([]);
  });

  it('dead-letters a body that breaks the contract with reason ContractViolation and the failing fields, without calling the handler', async () => {
    const { context, calls } = recordingContext();
    let called = false;
    await typedHandler('agent-tasks', async () => void (called = true))(received({ ...task, clientId: 'NOT A CLIENT', parameters: 'x' }), context);
    expect(called).toBe(false);
    expect(calls).toHaveLength(1);
    const [kind, options] = calls[0] as [string, { reason: string; description: string }];
    expect(kind).toBe('deadLetter');
    expect(options.reason).toBe('ContractViolation');
    expect(options.description).toMatch(/clientId: .*; parameters: /);
  });

  it('lets a handler failure propagate so the adapter abandons and retries', async () => {
    const { context } = recordingContext();
    await expect(typedHandler('agent-tasks', async () => Promise.reject(new Error('ledger unavailable')))(received(task), context)).rejects.toThrow(
      'ledger unavailable',
    );
  });
});
