import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EntityName } from '@leaf/contracts';
import type { ConsumerHandle, MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ReceivedMessage } from '../port/message';
import { isMessagingError } from '../port/messaging.error';
import { agentTask, eventually, nth, recorder, sleep, taskEvent } from './conformance-probe';
import { conformanceSettings } from './conformance-topology';
import { fidelityConformanceCases } from './fidelity.conformance';
import { poisonConformanceCases } from './poison.conformance';
import type { RawOutgoingMessage } from './raw-message';

/** A bus serving `conformanceTopology`, empty, fresh for each test. */
export interface BusConformanceTarget {
  bus: MessageBus;
  /** Sends as another client could, past the port's checks: any bytes as the body (see RawOutgoingMessage). */
  sendRaw(entity: EntityName, message: RawOutgoingMessage): Promise<void>;
  dispose(): Promise<void>;
}

const queue: ReceiveAddress = { queue: 'agent-tasks' };
const subA: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-a' };
const subB: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-b' };
const fastLane: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-fast-lane' };
const sessions: ReceiveAddress = { topic: 'agent.task-succeeded.v1', subscription: 'conformance-sessions' };
const lockMs = conformanceSettings.lockDurationMs;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/**
 * Azure Service Bus semantics every `MessageBus` adapter must share. Call it from an adapter's
 * spec with a factory that builds a fresh, empty bus serving `conformanceTopology` per test.
 */
export function describeBusConformance(name: string, makeTarget: () => Promise<BusConformanceTarget>): void {
  describe(`MessageBus conformance: ${name}`, () => {
    let target: BusConformanceTarget;
    let consumers: ConsumerHandle[];
    let bus: MessageBus;

    const consume = (...args: Parameters<MessageBus['subscribe']>) => {
      const handle = bus.subscribe(...args);
      consumers.push(handle);
      return handle;
    };

    beforeEach(async () => {
      consumers = [];
      target = await makeTarget();
      bus = target.bus;
    });
    afterEach(async () => {
      await Promise.all(consumers.map((c) => c.close()));
      await target?.dispose();
    });

    poisonConformanceCases(() => ({ bus, sendRaw: (entity, message) => target.sendRaw(entity, message), consume }));
    fidelityConformanceCases(() => ({ bus, consume }));

    it('delivers a message with its id, correlation, subject and application properties (trace context included), then completes it', async () => {
      const got = recorder();
      const body = agentTask(1);
      await bus.send('agent-tasks', {
        body,
        messageId: 'msg-1',
        correlationId: 'corr-1',
        subject: 'start',
        applicationProperties: { traceparent, attempt: 2, urgent: true },
      });
      consume(queue, async (m) => got.record(m));
      await eventually(got.count, (n) => n === 1);
      const m = nth(got.seen, 0).message;
      expect(m.body).toEqual(body);
      expect(m).toMatchObject({ messageId: 'msg-1', correlationId: 'corr-1', subject: 'start', deliveryCount: 1, state: 'active' });
      expect(m.applicationProperties).toMatchObject({ traceparent, attempt: 2, urgent: true });
      expect(typeof m.sequenceNumber).toBe('bigint');
      expect(m.enqueuedAt).toBeInstanceOf(Date);
      expect(m.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
      expect(m.lockToken).toMatch(/^[0-9a-f-]{36}$/i);
      // Returning from the handler completed it: nothing is left to peek.
      await eventually(
        () => bus.peek(queue),
        (left) => left.length === 0,
      );
    });

    it('sends a batch in one call and delivers it in sequence order, sequence numbers increasing', async () => {
      const got = recorder();
      const bodies = [agentTask(1), agentTask(2), agentTask(3)];
      await bus.send(
        'agent-tasks',
        bodies.map((body) => ({ body })),
      );
      consume(queue, async (m) => got.record(m));
      await eventually(got.count, (n) => n === 3);
      expect(got.bodies()).toEqual(bodies);
      const seqs = got.seen.map((s) => s.message.sequenceNumber);
      expect(nth(seqs, 0) < nth(seqs, 1) && nth(seqs, 1) < nth(seqs, 2)).toBe(true);
    });

    it('redelivers an abandoned message with an incremented delivery count and the modified properties', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1), applicationProperties: { traceparent } });
      consume(queue, async (m, ctx) => {
        got.record(m);
        if (m.deliveryCount === 1) await ctx.abandon({ propertiesToModify: { retried: 'yes' } });
      });
      await eventually(got.count, (n) => n === 2);
      const [first, second] = [nth(got.seen, 0).message, nth(got.seen, 1).message];
      expect(second.messageId).toBe(first.messageId);
      expect(second.sequenceNumber).toBe(first.sequenceNumber);
      expect(second.deliveryCount).toBe(2);
      expect(second.applicationProperties).toMatchObject({ traceparent, retried: 'yes' });
      await eventually(
        () => bus.peek(queue),
        (left) => left.length === 0,
      );
    });

    it('keeps an abandoned message invisible for the requested delay', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1) });
      consume(queue, async (m, ctx) => {
        got.record(m);
        if (m.deliveryCount === 1) await ctx.abandon({ delayMs: 1_000 });
      });
      await eventually(got.count, (n) => n === 2);
      const gap = nth(got.seen, 1).at - nth(got.seen, 0).at;
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(gap).toBeLessThan(4_000);
    });

    it('moves a message whose handler keeps failing to the dead-letter queue after maxDeliveryCount attempts', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1), messageId: 'poison' });
      consume(queue, async (m) => {
        got.record(m);
        throw new Error('handler bug');
      });
      const dead = await eventually(
        () => bus.peek(queue, { deadLetter: true }),
        (d) => d.length === 1,
      );
      expect(dead[0]).toMatchObject({ messageId: 'poison', deadLetterReason: 'MaxDeliveryCountExceeded' });
      expect(got.seen.map((s) => s.message.deliveryCount)).toEqual([1, 2, 3]);
      expect(await bus.peek(queue)).toEqual([]);
      await sleep(lockMs);
      expect(got.count()).toBe(conformanceSettings.maxDeliveryCount);
    });

    it('dead-letters with reason and description, visible by peek and receivable from the dead-letter queue', async () => {
      await bus.send('agent-tasks', [
        { body: agentTask(1), messageId: 'bad' },
        { body: agentTask(2), messageId: 'good' },
      ]);
      const good = recorder();
      consume(queue, async (m, ctx) => {
        if (m.messageId === 'bad') await ctx.deadLetter({ reason: 'schema-invalid', description: 'parameters.n must be a string' });
        else good.record(m);
      });
      const dead = await eventually(
        () => bus.peek(queue, { deadLetter: true }),
        (d) => d.length === 1,
      );
      expect(dead[0]).toMatchObject({ messageId: 'bad', deadLetterReason: 'schema-invalid', deadLetterErrorDescription: 'parameters.n must be a string' });
      await eventually(good.count, (n) => n === 1);
      expect(nth(good.seen, 0).message.messageId).toBe('good');

      const fromDlq = recorder();
      consume(queue, async (m) => fromDlq.record(m), { deadLetter: true });
      await eventually(fromDlq.count, (n) => n === 1);
      expect(nth(fromDlq.seen, 0).message).toMatchObject({ messageId: 'bad', deadLetterReason: 'schema-invalid' });
      await eventually(
        () => bus.peek(queue, { deadLetter: true }),
        (d) => d.length === 0,
      );
    });

    it('defers a message so that only receiveDeferred by sequence number returns it', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1), messageId: 'later' });
      consume(queue, async (m, ctx) => {
        got.record(m);
        await ctx.defer();
      });
      await eventually(got.count, (n) => n === 1);
      const seq = nth(got.seen, 0).message.sequenceNumber;
      const peeked = await eventually(
        () => bus.peek(queue),
        (p) => p.length === 1 && nth(p, 0).state === 'deferred',
      );
      expect(nth(peeked, 0).sequenceNumber).toBe(seq);
      await sleep(lockMs + 300);
      expect(got.count()).toBe(1);

      const received = await bus.receiveDeferred(queue, [seq]);
      expect(received).toHaveLength(1);
      const delivered = nth(received, 0);
      expect(delivered.message).toMatchObject({ messageId: 'later', sequenceNumber: seq });
      await delivered.settlement.complete();
      expect(await bus.peek(queue)).toEqual([]);
    });

    it('delivers a scheduled message at its time, and never one whose schedule was cancelled', async () => {
      const got = recorder();
      const at = new Date(Date.now() + 1_500);
      const keep = nth(await bus.schedule('agent-tasks', { body: agentTask(1), messageId: 'keep' }, at), 0);
      const drop = nth(await bus.schedule('agent-tasks', { body: agentTask(2), messageId: 'drop' }, at), 0);
      expect(typeof keep).toBe('bigint');
      const pending = await bus.peek(queue, { maxCount: 10 });
      expect(pending.map((p) => [p.messageId, p.state])).toEqual([
        ['keep', 'scheduled'],
        ['drop', 'scheduled'],
      ]);
      await bus.cancelScheduled('agent-tasks', [drop]);
      consume(queue, async (m) => got.record(m));
      await eventually(got.count, (n) => n === 1);
      expect(nth(got.seen, 0).message.messageId).toBe('keep');
      expect(nth(got.seen, 0).at).toBeGreaterThanOrEqual(at.getTime() - 100);
      await sleep(500);
      expect(got.count()).toBe(1);
    });

    it('peeks without locking or counting a delivery, from a sequence number and up to a count', async () => {
      await bus.send(
        'agent-tasks',
        [1, 2, 3].map((n) => ({ body: agentTask(n), messageId: `m${n}` })),
      );
      const all = await bus.peek(queue, { maxCount: 10 });
      expect(all.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3']);
      const tail = await bus.peek(queue, { fromSequenceNumber: nth(all, 1).sequenceNumber, maxCount: 1 });
      expect(tail.map((m) => m.messageId)).toEqual(['m2']);
      const got = recorder();
      consume(queue, async (m) => got.record(m));
      await eventually(got.count, (n) => n === 3);
      expect(got.seen.map((s) => s.message.deliveryCount)).toEqual([1, 1, 1]);
    });

    it('drops a message whose messageId was already sent within the duplicate detection window', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1), messageId: 'once' });
      await bus.send('agent-tasks', { body: agentTask(2), messageId: 'once' });
      await bus.send('agent.task-started.v1', { body: taskEvent(1), messageId: 'event-once' });
      await bus.send('agent.task-started.v1', { body: taskEvent(2), messageId: 'event-once' });
      consume(queue, async (m) => got.record(m));
      const onTopic = recorder();
      consume(subA, async (m) => onTopic.record(m));
      await eventually(
        () => got.count() + onTopic.count(),
        (n) => n === 2,
      );
      // Detection outlives completion: a resend after the first was handled is still a duplicate.
      await bus.send('agent-tasks', { body: agentTask(3), messageId: 'once' });
      await sleep(700);
      expect(got.seen.map((s) => (s.message.body as { parameters: { n: number } }).parameters.n)).toEqual([1]);
      expect(onTopic.seen.map((s) => (s.message.body as { attempt: number }).attempt)).toEqual([1]);
    });

    it('fans a topic message out to every subscription, each with its own copy and settlement', async () => {
      const a = recorder();
      const b = recorder();
      await bus.send('agent.task-started.v1', { body: taskEvent(1), messageId: 'fan', applicationProperties: { traceparent } });
      consume(subA, async (m, ctx) => {
        a.record(m);
        if (m.deliveryCount === 1) await ctx.abandon();
      });
      consume(subB, async (m) => b.record(m));
      await eventually(
        () => [a.count(), b.count()],
        ([x, y]) => x === 2 && y === 1,
      );
      expect(nth(a.seen, 1).message).toMatchObject({ messageId: 'fan', deliveryCount: 2 });
      expect(nth(b.seen, 0).message).toMatchObject({ messageId: 'fan', deliveryCount: 1 });
      expect(nth(b.seen, 0).message.applicationProperties['traceparent']).toBe(traceparent);
    });

    it('delivers to a filtered subscription only what matches its correlation filter', async () => {
      const fast = recorder();
      const all = recorder();
      await bus.send('agent.task-started.v1', [
        { body: taskEvent(1), applicationProperties: { lane: 'slow' } },
        { body: taskEvent(2), applicationProperties: { lane: 'fast' } },
        { body: taskEvent(3) },
      ]);
      consume(fastLane, async (m) => fast.record(m));
      consume(subB, async (m) => all.record(m));
      await eventually(all.count, (n) => n === 3);
      await eventually(fast.count, (n) => n >= 1);
      await sleep(300);
      expect(fast.seen.map((s) => (s.message.body as { attempt: number }).attempt)).toEqual([2]);
    });

    it('delivers each session in order to one consumer at a time', async () => {
      const order = new Map<string, number[]>();
      const active = new Map<string, number>();
      let overlaps = 0;
      const handler = async (m: ReceivedMessage) => {
        const session = m.sessionId ?? '(none)';
        const running = (active.get(session) ?? 0) + 1;
        active.set(session, running);
        if (running > 1) overlaps++;
        await sleep(20);
        order.set(session, [...(order.get(session) ?? []), (m.body as { attempt: number }).attempt]);
        active.set(session, (active.get(session) ?? 1) - 1);
      };
      const messages = [1, 2, 3, 4, 5, 6].flatMap((n) => ['s1', 's2', 's3'].map((sessionId) => ({ body: taskEvent(n), sessionId })));
      await bus.send('agent.task-succeeded.v1', messages);
      consume(sessions, handler, { maxConcurrentCalls: 2 });
      consume(sessions, handler, { maxConcurrentCalls: 2 });
      await eventually(
        () => [...order.values()].flat().length,
        (n) => n === 18,
      );
      for (const session of ['s1', 's2', 's3']) expect(order.get(session)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(overlaps).toBe(0);
    });

    it('keeps a session locked to its consumer while a message of it is being handled, across consumers', async () => {
      const seen: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await bus.send(
        'agent.task-succeeded.v1',
        [1, 2].map((n) => ({ body: taskEvent(n), sessionId: 'only', messageId: `only-${n}` })),
      );
      const handler = async (m: ReceivedMessage) => {
        seen.push(m.messageId);
        if (m.messageId === 'only-1') await gate;
      };
      consume(sessions, handler);
      consume(sessions, handler);
      await eventually(
        () => seen.length,
        (n) => n === 1,
      );
      // Longer than a lock: renewal keeps both the message and the session with the first consumer.
      await sleep(lockMs * 2);
      expect(seen).toEqual(['only-1']);
      release();
      await eventually(
        () => seen.length,
        (n) => n === 2,
      );
      expect(seen).toEqual(['only-1', 'only-2']);
    });

    it('renews the lock while a long handler runs, so its message is not redelivered', async () => {
      const got = recorder();
      await bus.send('agent-tasks', { body: agentTask(1) });
      let finished = false;
      consume(
        queue,
        async (m) => {
          got.record(m);
          await sleep(lockMs * 2.5);
          finished = true;
        },
        { maxConcurrentCalls: 2 },
      );
      await eventually(
        () => finished,
        (f) => f,
        lockMs * 6,
      );
      await sleep(lockMs / 2);
      expect(got.seen.map((s) => s.message.deliveryCount)).toEqual([1]);
      expect(await bus.peek(queue)).toEqual([]);
    });

    it('renewLock extends the lock and returns the new expiry', async () => {
      const renewed: Array<[number, number]> = [];
      await bus.send('agent-tasks', { body: agentTask(1) });
      consume(queue, async (m, ctx) => {
        await sleep(200);
        const until = await ctx.renewLock();
        renewed.push([m.lockedUntil?.getTime() ?? Infinity, until.getTime()]);
      });
      await eventually(
        () => renewed.length,
        (n) => n === 1,
      );
      const [before, after] = nth(renewed, 0);
      expect(after).toBeGreaterThan(before);
    });

    it('redelivers a message whose lock expired, and refuses the late settlement of the first delivery', async () => {
      const got = recorder();
      let lateSettlement: unknown;
      await bus.send('agent-tasks', { body: agentTask(1) });
      consume(
        queue,
        async (m, ctx) => {
          got.record(m);
          if (m.deliveryCount === 1) {
            await eventually(got.count, (n) => n === 2, lockMs * 4);
            lateSettlement = await ctx.complete().then(
              () => 'completed',
              (error: unknown) => error,
            );
          }
        },
        { maxConcurrentCalls: 2, maxAutoLockRenewalMs: 0 },
      );
      await eventually(
        () => lateSettlement,
        (s) => s !== undefined,
        lockMs * 5,
      );
      expect(isMessagingError(lateSettlement, 'MESSAGE_LOCK_LOST')).toBe(true);
      expect(got.seen.map((s) => s.message.deliveryCount)).toEqual([1, 2]);
      expect(nth(got.seen, 1).at - nth(got.seen, 0).at).toBeGreaterThanOrEqual(lockMs - 100);
      await eventually(
        () => bus.peek(queue),
        (left) => left.length === 0,
      );
    });

    it('refuses a second settlement of the same delivery', async () => {
      const outcome: unknown[] = [];
      await bus.send('agent-tasks', { body: agentTask(1) });
      consume(queue, async (_m, ctx) => {
        await ctx.complete();
        outcome.push(
          await ctx.abandon().then(
            () => 'abandoned',
            (error: unknown) => error,
          ),
        );
      });
      await eventually(
        () => outcome.length,
        (n) => n === 1,
      );
      expect(isMessagingError(outcome[0], 'MESSAGE_LOCK_LOST')).toBe(true);
      await sleep(300);
      expect(await bus.peek(queue)).toEqual([]);
    });

    it('on close waits for the handler in flight and takes no further message', async () => {
      const got = recorder();
      let finished = false;
      await bus.send('agent-tasks', [{ body: agentTask(1) }, { body: agentTask(2) }]);
      const handle = consume(queue, async (m) => {
        got.record(m);
        await sleep(400);
        finished = true;
      });
      await eventually(got.count, (n) => n === 1);
      await handle.close();
      expect(finished).toBe(true);
      await sleep(300);
      expect(got.count()).toBe(1);
      const left = await bus.peek(queue);
      expect(left.map((m) => m.deliveryCount)).toEqual([0]);
    });
  });
}
