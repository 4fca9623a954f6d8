import { expect, it } from '@jest/globals';
import type { ConsumerHandle, MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ReceivedMessage } from '../port/message';
import { isMessagingError } from '../port/messaging.error';
import { agentTask, eventually, nth, recorder, sleep, taskEvent } from './conformance-probe';
import { conformanceSettings, conformanceTopology, shortLivedSettings } from './conformance-topology';

export interface FidelityConformanceContext {
  bus: MessageBus;
  consume(...args: Parameters<MessageBus['subscribe']>): ConsumerHandle;
}

const queue: ReceiveAddress = { queue: 'agent-tasks' };
const subA: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-a' };
const subB: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-b' };
const shortLived: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-short-lived' };
const sessions: ReceiveAddress = { topic: 'agent.task-succeeded.v1', subscription: 'conformance-sessions' };
const lockMs = conformanceSettings.lockDurationMs;
const maxBytes = conformanceTopology.maxMessageSizeBytes;

const failureOf = (run: () => Promise<unknown>): Promise<unknown> =>
  run().then(
    () => undefined,
    (error: unknown) => error,
  );

/**
 * Where the adapters must behave as Azure Service Bus does beyond the basics: time-to-live,
 * session rules, size limits, sequence numbers and session locks (issue 16). Registered inside
 * describeBusConformance; `context()` gives the running test's bus.
 */
export function fidelityConformanceCases(context: () => FidelityConformanceContext): void {
  it('never delivers a message past its own time-to-live, and dead-letters it with TTLExpiredException where the entity asks for that', async () => {
    const { bus, consume } = context();
    await bus.send('agent-tasks', [
      { body: agentTask(1), messageId: 'short', timeToLiveMs: 600 },
      { body: agentTask(2), messageId: 'long' },
    ]);
    const [peekedShort] = await bus.peek(queue, { maxCount: 1 });
    expect(peekedShort?.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now() + 600);
    await sleep(1_100);
    const got = recorder();
    consume(queue, async (m) => got.record(m));
    await eventually(got.count, (n) => n === 1);
    const dead = await eventually(
      () => bus.peek(queue, { deadLetter: true }),
      (d) => d.length === 1,
    );
    expect(dead[0]).toMatchObject({ messageId: 'short', deadLetterReason: 'TTLExpiredException' });
    await sleep(300);
    expect(got.seen.map((s) => s.message.messageId)).toEqual(['long']);
    // The entity's default applies to a message that asks for none.
    const long = nth(got.seen, 0).message;
    expect(long.expiresAt?.getTime()).toBeGreaterThan(long.enqueuedAt.getTime() + conformanceSettings.defaultMessageTimeToLiveMs - 5_000);
  });

  it("drops a message past its subscription's default time-to-live when the subscription does not dead-letter expired messages; the topic's other subscriptions keep their copy", async () => {
    const { bus, consume } = context();
    await bus.send('agent.task-started.v1', { body: taskEvent(1), messageId: 'fleeting', applicationProperties: { lane: 'short-lived' } });
    await sleep(shortLivedSettings.defaultMessageTimeToLiveMs + 500);
    const fleeting = recorder();
    const kept = recorder();
    consume(shortLived, async (m) => fleeting.record(m));
    consume(subA, async (m) => kept.record(m));
    await eventually(kept.count, (n) => n === 1);
    await eventually(
      () => bus.peek(shortLived),
      (left) => left.length === 0,
    );
    await sleep(500);
    expect(fleeting.count()).toBe(0);
    expect(await bus.peek(shortLived, { deadLetter: true })).toEqual([]);
  });

  it('refuses a send without a session id to an entity that requires sessions, with a typed error, sending none of the batch', async () => {
    const { bus } = context();
    const alone = await failureOf(() => bus.send('agent.task-succeeded.v1', { body: taskEvent(1) }));
    expect(isMessagingError(alone, 'MESSAGING_SESSION_REQUIRED')).toBe(true);
    expect((alone as Error).message).toContain('conformance-sessions');
    const batch = await failureOf(() => bus.send('agent.task-succeeded.v1', [{ body: taskEvent(1), sessionId: 's1' }, { body: taskEvent(2) }]));
    expect(isMessagingError(batch, 'MESSAGING_SESSION_REQUIRED')).toBe(true);
    const scheduled = await failureOf(() => bus.schedule('agent.task-succeeded.v1', { body: taskEvent(3) }, new Date(Date.now() + 60_000)));
    expect(isMessagingError(scheduled, 'MESSAGING_SESSION_REQUIRED')).toBe(true);
    expect(await bus.peek(sessions)).toEqual([]);
    await bus.send('agent.task-succeeded.v1', { body: taskEvent(4), sessionId: 's1' });
    expect((await bus.peek(sessions)).map((m) => m.sessionId)).toEqual(['s1']);
  });

  it("refuses a message larger than the namespace's maximum, and a batch larger together, with a typed error, sending nothing of it", async () => {
    const { bus } = context();
    const padded = (n: number, bytes: number) => ({ ...agentTask(n), parameters: { padding: 'x'.repeat(bytes) } });
    const tooLarge = await failureOf(() => bus.send('agent-tasks', { body: padded(1, maxBytes + 1), messageId: 'too-large' }));
    expect(isMessagingError(tooLarge, 'MESSAGE_SIZE_EXCEEDED')).toBe(true);
    const half = Math.floor(maxBytes * 0.6);
    const together = await failureOf(() =>
      bus.send(
        'agent-tasks',
        [1, 2].map((n) => ({ body: padded(n, half), messageId: `half-${n}` })),
      ),
    );
    expect(isMessagingError(together, 'MESSAGE_SIZE_EXCEEDED')).toBe(true);
    const scheduled = await failureOf(() => bus.schedule('agent-tasks', { body: padded(3, maxBytes) }, new Date(Date.now() + 60_000)));
    expect(isMessagingError(scheduled, 'MESSAGE_SIZE_EXCEEDED')).toBe(true);
    expect(await bus.peek(queue)).toEqual([]);
    await bus.send('agent-tasks', { body: padded(4, half), messageId: 'fits' });
    expect((await bus.peek(queue)).map((m) => m.messageId)).toEqual(['fits']);
  });

  it("numbers each entity's messages on its own (a topic's subscriptions share its numbers), and gives a scheduled message a new number, behind what was sent meanwhile, when it activates", async () => {
    const { bus, consume } = context();
    for (const n of [1, 2]) {
      await bus.send('agent-tasks', { body: agentTask(n), messageId: `q-${n}` });
      await bus.send('agent.task-started.v1', { body: taskEvent(n), messageId: `t-${n}` });
    }
    const [q1, q2] = (await bus.peek(queue)).map((m) => m.sequenceNumber);
    const onA = (await bus.peek(subA)).map((m) => m.sequenceNumber);
    expect(q2).toBe((q1 ?? 0n) + 1n);
    expect(nth(onA, 1)).toBe(nth(onA, 0) + 1n);
    expect((await bus.peek(subB)).map((m) => m.sequenceNumber)).toEqual(onA);

    const at = new Date(Date.now() + 1_000);
    const [scheduledAs] = await bus.schedule('agent-tasks', { body: agentTask(3), messageId: 'scheduled' }, at);
    await bus.send('agent-tasks', { body: agentTask(4), messageId: 'sent-meanwhile' });
    const before = await bus.peek(queue);
    expect(before.map((m) => [m.messageId, m.state])).toEqual([
      ['q-1', 'active'],
      ['q-2', 'active'],
      ['scheduled', 'scheduled'],
      ['sent-meanwhile', 'active'],
    ]);
    expect(nth(before, 2).sequenceNumber).toBe(scheduledAs);
    await sleep(at.getTime() - Date.now() + 300);
    const after = await eventually(
      () => bus.peek(queue),
      (p) => p.some((m) => m.messageId === 'scheduled' && m.state === 'active'),
    );
    expect(after.map((m) => m.messageId)).toEqual(['q-1', 'q-2', 'sent-meanwhile', 'scheduled']);
    const activated = nth(after, 3).sequenceNumber;
    expect(activated).toBeGreaterThan(nth(after, 2).sequenceNumber);
    expect(activated).not.toBe(scheduledAs);

    const got = recorder();
    consume(queue, async (m) => got.record(m));
    await eventually(got.count, (n) => n === 4);
    expect(got.seen.map((s) => s.message.messageId)).toEqual(['q-1', 'q-2', 'sent-meanwhile', 'scheduled']);
    expect(nth(got.seen, 3).message.sequenceNumber).toBe(activated);
  });

  it('gives the session to the next receiver when its lock expires: the old holder gets SessionLockLost on its settlement and receives nothing more of it', async () => {
    const { bus, consume } = context();
    await bus.send(
      'agent.task-succeeded.v1',
      [1, 2, 3].map((n) => ({ body: taskEvent(n), sessionId: 'lapsing', messageId: `lapsing-${n}` })),
    );
    const first: ReceivedMessage[] = [];
    const second: ReceivedMessage[] = [];
    let lateSettlement: unknown;
    // No renewal: the session lock lapses while the first receiver's handler is still busy.
    consume(
      sessions,
      async (m, ctx) => {
        first.push(m);
        if (first.length > 1) return;
        await eventually(
          () => second.length,
          (n) => n >= 1,
          lockMs * 6,
        );
        lateSettlement = await failureOf(() => ctx.complete());
      },
      { maxAutoLockRenewalMs: 0 },
    );
    await eventually(
      () => first.length,
      (n) => n === 1,
    );
    consume(sessions, async (m) => void second.push(m));
    await eventually(
      () => lateSettlement,
      (s) => s !== undefined,
      lockMs * 8,
    );
    expect(isMessagingError(lateSettlement, 'SESSION_LOCK_LOST')).toBe(true);
    await eventually(
      () => second.length,
      (n) => n === 3,
    );
    expect(second.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['lapsing-1', 2],
      ['lapsing-2', 1],
      ['lapsing-3', 1],
    ]);
    await sleep(300);
    expect(first.map((m) => m.messageId)).toEqual(['lapsing-1']);
    expect(await bus.peek(sessions)).toEqual([]);
  });

  it("keeps a session's order through a delayed abandon: nothing later in the session goes first, on any receiver", async () => {
    const { bus, consume } = context();
    await bus.send(
      'agent.task-succeeded.v1',
      [1, 2].map((n) => ({ body: taskEvent(n), sessionId: 'patient', messageId: `patient-${n}` })),
    );
    const order: Array<{ id: string; delivery: number; at: number }> = [];
    const handler = async (m: ReceivedMessage, ctx: Parameters<Parameters<MessageBus['subscribe']>[1]>[1]) => {
      order.push({ id: m.messageId, delivery: m.deliveryCount, at: Date.now() });
      if (m.messageId === 'patient-1' && m.deliveryCount === 1) await ctx.abandon({ delayMs: 1_000 });
    };
    consume(sessions, handler);
    consume(sessions, handler);
    await eventually(
      () => order.length,
      (n) => n === 3,
      10_000,
    );
    expect(order.map((o) => [o.id, o.delivery])).toEqual([
      ['patient-1', 1],
      ['patient-1', 2],
      ['patient-2', 1],
    ]);
    expect(nth(order, 1).at - nth(order, 0).at).toBeGreaterThanOrEqual(900);
  });
}
