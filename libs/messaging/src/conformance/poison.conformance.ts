import { expect, it } from '@jest/globals';
import { inspectDeadLetter, listDeadLetters, resubmitDeadLetters, resubmittedFromProperty } from '../admin/dead-letter-admin';
import type { EntityName } from '@leaf/contracts';
import type { ConsumerHandle, MessageBus, ReceiveAddress } from '../port/message-bus.port';
import type { ReceivedMessage } from '../port/message';
import { agentTask, eventually, nth, recorder, taskEvent } from './conformance-probe';
import { conformanceTopology } from './conformance-topology';
import type { RawOutgoingMessage } from './raw-message';

export interface PoisonConformanceContext {
  bus: MessageBus;
  sendRaw(entity: EntityName, message: RawOutgoingMessage): Promise<void>;
  consume(...args: Parameters<MessageBus['subscribe']>): ConsumerHandle;
}

const secret = 'sk-live-4f9a0c1e7b2d';
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** One body of each kind that can never be handled, in the order they are sent, with the reason each must get. */
function poisonBodies(valid: object): Array<{ reason: string; body: Uint8Array }> {
  return [
    { reason: 'BodyNotJson', body: utf8(`token=${secret}; not json`) },
    { reason: 'BodyNotUtf8', body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xc3, 0x28, 0x7d]) },
    { reason: 'BodyTooLarge', body: utf8(JSON.stringify({ ...valid, padding: 'x'.repeat(conformanceTopology.maxMessageSizeBytes) })) },
    // Valid JSON, wrong shape: the failing field holds a secret, which the description must not repeat.
    { reason: 'ContractViolation', body: utf8(JSON.stringify({ ...valid, clientId: { apiKey: secret } })) },
  ];
}

const entityOf = (address: ReceiveAddress): EntityName => ('queue' in address ? address.queue : address.topic);

/**
 * Poison messages: bodies no handler can ever use, sent by a client the port does not control.
 * Registered inside describeBusConformance; `context()` gives the running test's bus.
 */
export function poisonConformanceCases(context: () => PoisonConformanceContext): void {
  it('dead-letters bodies that are not JSON, not UTF-8, too large or break the contract, each with its reason, on a queue, a subscription and a session subscription, while valid traffic flows', async () => {
    const { bus, sendRaw, consume } = context();
    const targets: Array<{ address: ReceiveAddress; valid: (n: number) => object; sessionId?: string }> = [
      { address: { queue: 'agent-tasks' }, valid: agentTask },
      { address: { topic: 'agent.task-started.v1', subscription: 'conformance-a' }, valid: taskEvent },
      { address: { topic: 'agent.task-succeeded.v1', subscription: 'conformance-sessions' }, valid: taskEvent, sessionId: 'poisoned-session' },
    ];
    for (const { address, valid, sessionId } of targets) {
      const entity = entityOf(address);
      const poison = poisonBodies(valid(0));
      // Valid and poison interleaved: v1 p1 v2 p2 v3 p3 v4 p4 v5.
      for (let n = 1; n <= 5; n++) {
        await bus.send(entity, { body: valid(n) as never, messageId: `${entity}-valid-${n}`, ...(sessionId && { sessionId }) });
        const bad = poison[n - 1];
        if (bad) await sendRaw(entity, { messageId: `${entity}-poison-${n}`, body: bad.body, ...(sessionId && { sessionId }) });
      }
      // A peek shows them, each with what is wrong, and does not fail on them.
      const peeked = await eventually(
        () => bus.peek(address, { maxCount: 20 }),
        (p) => p.length === 9,
      );
      expect(peeked.filter((m) => m.bodyProblem).map((m) => m.bodyProblem?.reason)).toEqual(poison.map((p) => p.reason));
    }

    const seen = new Map<string, ReceivedMessage[]>();
    for (const { address } of targets) {
      const got: ReceivedMessage[] = [];
      seen.set(entityOf(address), got);
      consume(address, async (m) => void got.push(m), { maxConcurrentCalls: 2 });
    }
    // At least once: under load a lock can lapse and a valid message come twice; each must come.
    const handledIds = (entity: EntityName) => [...new Set((seen.get(entity) ?? []).map((m) => m.messageId))];
    for (const { address } of targets) {
      const entity = entityOf(address);
      await eventually(
        () => handledIds(entity).length,
        (n) => n === 5,
        15_000,
      );
      const dead = await eventually(
        () => bus.peek(address, { deadLetter: true, maxCount: 20 }),
        (d) => d.length === 4,
        15_000,
      );
      expect(dead.map((d) => [d.messageId, d.deadLetterReason])).toEqual(poisonBodies({}).map((p, i) => [`${entity}-poison-${i + 1}`, p.reason]));
      const contract = nth(dead, 3);
      expect(contract.deadLetterErrorDescription).toContain('clientId');
      for (const d of dead) expect(`${d.deadLetterErrorDescription}`).not.toContain(secret);
      // No handler saw a poison message; every valid one was handled.
      expect((seen.get(entity) ?? []).filter((m) => m.bodyProblem !== undefined)).toEqual([]);
      expect(handledIds(entity).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `${entity}-valid-${n}`));
    }
    // A session keeps its order around the poison dead-lettered inside it.
    expect(handledIds('agent.task-succeeded.v1')).toEqual([1, 2, 3, 4, 5].map((n) => `agent.task-succeeded.v1-valid-${n}`));
    expect(await bus.peek({ queue: 'agent-tasks' })).toEqual([]);
  });

  it('lists, inspects and resubmits around poison: the raw body shown as base64 with its reason, poison refused and left dead-lettered, the sound message resubmitted', async () => {
    const { bus, sendRaw, consume } = context();
    const queue: ReceiveAddress = { queue: 'agent-tasks' };
    const sound = agentTask(1);
    const garbage = utf8(`\u001b[2J{"taskId": "${secret}"`);
    await bus.send('agent-tasks', { body: sound, messageId: 'sound' });
    await sendRaw('agent-tasks', { messageId: 'garbage', body: garbage });
    await sendRaw('agent-tasks', { messageId: 'not-utf8', body: new Uint8Array([0xff, 0xfe, 0xfd]) });
    const rejecting = consume(queue, async (_m, ctx) => ctx.deadLetter({ reason: 'handler-rejected', description: 'a bug, since fixed' }));
    await eventually(
      () => bus.peek(queue, { deadLetter: true }),
      (d) => d.length === 3,
    );
    await rejecting.close();

    const listed = await listDeadLetters(bus, queue);
    expect(listed.map((d) => [d.messageId, d.reason, d.bodyProblem?.reason])).toEqual([
      ['sound', 'handler-rejected', undefined],
      ['garbage', 'BodyNotJson', 'BodyNotJson'],
      ['not-utf8', 'BodyNotUtf8', 'BodyNotUtf8'],
    ]);
    expect(nth(listed, 1).bodyBytes).toBe(garbage.byteLength);

    const detail = await inspectDeadLetter(bus, queue, nth(listed, 1).sequenceNumber);
    expect(detail?.body).toBeUndefined();
    expect(detail?.rawBody).toMatchObject({ bytes: garbage.byteLength, base64: Buffer.from(garbage).toString('base64'), truncated: false });
    // The preview is for a glance: the terminal escape is neutralised.
    expect(detail?.rawBody?.textPreview).not.toContain('\u001b');
    expect((await inspectDeadLetter(bus, queue, nth(listed, 0).sequenceNumber))?.body).toEqual(sound);

    const result = await resubmitDeadLetters(
      bus,
      queue,
      listed.map((d) => d.sequenceNumber),
    );
    expect(result.resubmitted.map((r) => r.originalMessageId)).toEqual(['sound']);
    expect(result.refused.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [nth(listed, 1).sequenceNumber, 'BodyNotJson'],
      [nth(listed, 2).sequenceNumber, 'BodyNotUtf8'],
    ]);
    expect(result.notFound).toEqual([]);
    expect(result.notReached).toEqual([]);
    // The refused stay where they were, untouched: never locked, never counted.
    const left = await listDeadLetters(bus, queue);
    expect(left).toEqual([nth(listed, 1), nth(listed, 2)]);

    const handled = recorder();
    consume(queue, async (m) => handled.record(m));
    await eventually(handled.count, (n) => n === 1);
    expect(nth(handled.seen, 0).message.body).toEqual(sound);
    expect(nth(handled.seen, 0).message.applicationProperties[resubmittedFromProperty]).toBe('sound');
  });
}
