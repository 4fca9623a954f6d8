import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MeterProvider, MetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { agentTask, eventually, taskEvent } from '../conformance/conformance-probe';
import { conformanceTopology } from '../conformance/conformance-topology';
import { createEmbeddedBus } from '../embedded/create-embedded-bus';
import { writeRawEmbeddedMessage } from '../embedded/fixtures/raw-message.writer';
import type { EmbeddedBus } from '../embedded/embedded-bus';
import type { ReceiveAddress } from '../port/message-bus.port';
import type { ReceivedMessage } from '../port/message';
import { registerBusMetrics } from './bus-metrics';
import {
  inspectDeadLetter,
  listDeadLetters,
  purgeDeadLetters,
  resubmitDeadLetters,
  resubmittedForProperty,
  resubmittedFromProperty,
} from './dead-letter-admin';

class CollectingReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Dead-letters every message that arrives at `address`, with a reason naming its task. */
async function deadLetterAll(bus: EmbeddedBus, address: ReceiveAddress, expected: number): Promise<void> {
  const consumer = bus.subscribe(address, async (message, context) => {
    const { taskId } = message.body as { taskId: string };
    await context.deadLetter({ reason: `poison-${taskId}`, description: 'rejected by the test consumer' });
  });
  await eventually(
    () => bus.peek(address, { deadLetter: true }),
    (m) => m.length === expected,
  );
  await consumer.close();
}

describe.each(testDatabaseTargets())('dead-letter admin on the embedded bus ($name)', ({ create }) => {
  let db: TestDatabase;
  let bus: EmbeddedBus;
  let schema: string;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    schema = `bus_admin_${randomBytes(5).toString('hex')}`;
    bus = await createEmbeddedBus({ url: db.url, topology: conformanceTopology, schema });
  });
  afterEach(async () => {
    await bus.close();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`).finally(() => client.end());
  });

  it('lists dead letters with their reasons, resubmits the chosen one to a consumer and leaves the others dead-lettered', async () => {
    const queue: ReceiveAddress = { queue: 'agent-tasks' };
    const tasks = [agentTask(1), agentTask(2), agentTask(3)];
    await bus.send(
      'agent-tasks',
      tasks.map((body) => ({ body })),
    );
    await deadLetterAll(bus, queue, 3);

    const listed = await listDeadLetters(bus, queue);
    expect(listed.map((d) => d.reason)).toEqual(tasks.map((t) => `poison-${t.taskId}`));
    expect(listed[0]).toMatchObject({ description: 'rejected by the test consumer', deliveryCount: 1 });
    expect(listed[0].bodyBytes).toBe(Buffer.byteLength(JSON.stringify(tasks[0])));
    expect(listed[0]).not.toHaveProperty('body');
    expect(await listDeadLetters(bus, queue, { fromSequenceNumber: listed[1].sequenceNumber, maxCount: 1 })).toEqual([listed[1]]);

    const detail = await inspectDeadLetter(bus, queue, listed[1].sequenceNumber);
    expect(detail?.body).toEqual(tasks[1]);
    expect(await inspectDeadLetter(bus, queue, 999_999n)).toBeUndefined();

    const chosen = listed[1];
    const result = await resubmitDeadLetters(bus, queue, [chosen.sequenceNumber, 999_999n]);
    expect(result.notFound).toEqual([999_999n]);
    expect(result.notReached).toEqual([]);
    expect(result.resubmitted).toEqual([expect.objectContaining({ sequenceNumber: chosen.sequenceNumber, originalMessageId: chosen.messageId })]);
    expect(result.resubmitted[0].messageId).not.toBe(chosen.messageId);

    const handled: ReceivedMessage[] = [];
    const consumer = bus.subscribe(queue, async (message) => {
      handled.push(message);
    });
    await eventually(
      () => handled.length,
      (n) => n >= 1,
    );
    await consumer.close();
    expect(handled.map((m) => m.body)).toEqual([tasks[1]]);
    expect(handled[0].messageId).toBe(result.resubmitted[0].messageId);
    expect(handled[0].applicationProperties[resubmittedFromProperty]).toBe(chosen.messageId);

    const remaining = await listDeadLetters(bus, queue);
    expect(remaining.map((d) => d.messageId)).toEqual([listed[0].messageId, listed[2].messageId]);
    expect(remaining.map((d) => d.reason)).toEqual([listed[0].reason, listed[2].reason]);
    // Resubmitting the same number again finds nothing: the original was completed.
    expect(await resubmitDeadLetters(bus, queue, [chosen.sequenceNumber])).toEqual({
      resubmitted: [],
      notFound: [chosen.sequenceNumber],
      notReached: [],
      refused: [],
    });
  });

  it('locks only the chosen messages: the ones before and after keep their delivery count, poison before them included, and one held elsewhere is not reached', async () => {
    const queue: ReceiveAddress = { queue: 'agent-tasks' };
    await writeRawEmbeddedMessage(db.url, schema, conformanceTopology, 'agent-tasks', {
      messageId: 'poison-first',
      body: new Uint8Array(Buffer.from('not json')),
    });
    await bus.send(
      'agent-tasks',
      [agentTask(1), agentTask(2), agentTask(3)].map((body) => ({ body })),
    );
    await deadLetterAll(bus, queue, 4);
    const listed = await listDeadLetters(bus, queue);
    expect(listed.map((d) => d.reason)).toEqual(['BodyNotJson', ...listed.slice(1).map((d) => d.reason)]);

    // Someone else (another operator's resubmit) holds the second sound message.
    const [held] = await bus.receiveDeadLetters(queue, [listed[2].sequenceNumber]);
    const result = await resubmitDeadLetters(bus, queue, [listed[2].sequenceNumber, listed[3].sequenceNumber]);
    expect(result.resubmitted.map((r) => r.sequenceNumber)).toEqual([listed[3].sequenceNumber]);
    expect(result.notReached).toEqual([listed[2].sequenceNumber]);
    await held.settlement.abandon();

    const after = await listDeadLetters(bus, queue);
    expect(after.map((d) => [d.messageId, d.deliveryCount])).toEqual([
      [listed[0].messageId, listed[0].deliveryCount],
      [listed[1].messageId, listed[1].deliveryCount],
      // Counted once more: the other holder received it.
      [listed[2].messageId, listed[2].deliveryCount + 1],
    ]);
    // Nothing stays locked: each can be received at once.
    const again = await bus.receiveDeadLetters(
      queue,
      after.map((d) => d.sequenceNumber),
    );
    expect(again).toHaveLength(3);
    await Promise.all(again.map((d) => d.settlement.abandon()));
  });

  it('purges the chosen dead letters for good, poison included; one held elsewhere is not reached, a second purge finds nothing', async () => {
    const queue: ReceiveAddress = { queue: 'agent-tasks' };
    await writeRawEmbeddedMessage(db.url, schema, conformanceTopology, 'agent-tasks', {
      messageId: 'poison-purged',
      body: new Uint8Array(Buffer.from('not json')),
    });
    await bus.send(
      'agent-tasks',
      [agentTask(1), agentTask(2)].map((body) => ({ body })),
    );
    await deadLetterAll(bus, queue, 3);
    const [poison, first, second] = await listDeadLetters(bus, queue);
    const [held] = await bus.receiveDeadLetters(queue, [second.sequenceNumber]);
    const result = await purgeDeadLetters(bus, queue, [poison.sequenceNumber, first.sequenceNumber, second.sequenceNumber, 999_999n]);
    expect(result).toEqual({
      purged: [
        { sequenceNumber: poison.sequenceNumber, messageId: 'poison-purged' },
        { sequenceNumber: first.sequenceNumber, messageId: first.messageId },
      ],
      notFound: [999_999n],
      notReached: [second.sequenceNumber],
    });
    await held.settlement.abandon();
    expect((await listDeadLetters(bus, queue)).map((d) => d.messageId)).toEqual([second.messageId]);
    // Nothing was sent anywhere: purge is not resubmit.
    expect(await bus.peek(queue)).toEqual([]);
    expect(await purgeDeadLetters(bus, queue, [first.sequenceNumber])).toEqual({ purged: [], notFound: [first.sequenceNumber], notReached: [] });
  });

  it('resubmits from a topic subscription through the topic and says which subscriptions the copy fanned out to', async () => {
    const a: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-a' };
    const b: ReceiveAddress = { topic: 'agent.task-started.v1', subscription: 'conformance-b' };
    const event = taskEvent(1);
    await bus.send('agent.task-started.v1', { body: event });
    await deadLetterAll(bus, a, 1);
    const [dead] = await listDeadLetters(bus, a);

    const result = await resubmitDeadLetters(bus, a, [dead.sequenceNumber], { topology: conformanceTopology });
    expect(result.resubmitted[0].deliveredTo).toEqual(['conformance-a', 'conformance-b']);
    const [copyOnA] = await eventually(
      () => bus.peek(a),
      (m) => m.length === 1,
    );
    expect(copyOnA.applicationProperties[resubmittedForProperty]).toBe('conformance-a');
    expect(copyOnA.body).toEqual(event);
    expect(await listDeadLetters(bus, a)).toEqual([]);
    // b got the original and the copy: the documented fan-out.
    expect((await bus.peek(b)).map((m) => m.applicationProperties[resubmittedForProperty])).toEqual([undefined, 'conformance-a']);
  });

  it('observes active count, dead-letter count and oldest age per entity from a bounded peek', async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    const queue: ReceiveAddress = { queue: 'agent-tasks' };
    await bus.send(
      'agent-tasks',
      [agentTask(1), agentTask(2)].map((body) => ({ body })),
    );
    await deadLetterAll(bus, queue, 2);
    await bus.send(
      'agent-tasks',
      [agentTask(3), agentTask(4), agentTask(5)].map((body) => ({ body })),
    );
    const handle = registerBusMetrics(bus, [queue], { meter: provider.getMeter('test'), peekBound: 2 });
    try {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m as GaugeMetricData]));
      const point = (name: string) => byName.get(name)?.dataPoints[0];
      expect(point('leaf.bus.active_messages')).toMatchObject({ value: 2, attributes: { 'leaf.bus.entity': 'agent-tasks', 'leaf.bus.count_capped': true } });
      expect(point('leaf.bus.dead_letter_messages')).toMatchObject({ value: 2, attributes: { 'leaf.bus.count_capped': true } });
      const age = point('leaf.bus.oldest_message_age')?.value ?? -1;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(60);
    } finally {
      handle.stop();
      await provider.shutdown();
    }
  });
});
