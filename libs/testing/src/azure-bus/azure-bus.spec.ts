import { randomUUID } from 'node:crypto';
import type { EntityName, EntityPayload, EntitySettings } from '@leaf/contracts';
import { createAzureServiceBus, isMessagingError, messageSizeBytes, type MessageBus, type ReceivedMessage, type ReceiveAddress } from '@leaf/messaging';
import { startServiceBusBroker, type ServiceBusBroker } from '../service-bus-broker/service-bus-broker';
import { testRetryOptions } from '../service-bus-broker/broker-client.fixture';

const settings: EntitySettings = {
  lockDurationMs: 1_500,
  maxDeliveryCount: 3,
  duplicateDetectionWindowMs: 60_000,
  requiresSession: false,
  defaultMessageTimeToLiveMs: 60 * 60_000,
  deadLetteringOnMessageExpiration: true,
};
const topic = 'agent.task-started.v1';
const queue: ReceiveAddress = { queue: 'agent-tasks' };
const retrying: ReceiveAddress = { topic, subscription: 'retrying' };
const bystander: ReceiveAddress = { topic, subscription: 'bystander' };
const topology = {
  queues: { 'agent-tasks': settings },
  subscriptions: [
    { topic, name: 'retrying', settings },
    { topic, name: 'bystander', settings },
  ],
} as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
    last = await read();
  }
  return last;
}

const task = (n: number, padding = ''): EntityPayload<'agent-tasks'> => ({
  taskId: `task-${n}`,
  kind: 'azure-spec',
  clientId: 'acme-health',
  parameters: { n, padding },
  requestedBy: 'azure-spec',
});
const event = (n: number): EntityPayload<typeof topic> => ({
  taskId: `task-${n}`,
  kind: 'azure-spec',
  clientId: 'acme-health',
  attempt: n,
  at: new Date().toISOString(),
});

describe('Azure adapter specifics, real SDK against the AMQP test broker', () => {
  let broker: ServiceBusBroker;
  let bus: MessageBus;
  const errors: string[] = [];

  beforeEach(async () => {
    errors.length = 0;
    broker = await startServiceBusBroker({
      topology: {
        queues: [{ name: 'agent-tasks', settings }],
        topics: [
          {
            name: topic,
            subscriptions: [
              { name: 'retrying', settings },
              { name: 'bystander', settings },
            ],
          },
        ],
      },
    });
    bus = createAzureServiceBus(
      { connectionString: broker.connectionString },
      {
        topology,
        onError: (e) => errors.push(`${e.code}: ${e.message}`),
        client: {
          retryOptions: testRetryOptions,
        },
      },
    );
  });
  afterEach(async () => {
    await bus.close();
    await broker.stop();
  });

  it('abandons with a delay on a topic: the message waits deferred, comes back to its own subscription only, with its identity', async () => {
    const seen: Array<{ m: ReceivedMessage; at: number }> = [];
    const other: ReceivedMessage[] = [];
    await bus.send(topic, {
      body: event(1),
      messageId: 'retry-me',
      applicationProperties: {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    });
    const a = bus.subscribe(retrying, async (m, ctx) => {
      seen.push({ m, at: Date.now() });
      if (m.deliveryCount === 1)
        await ctx.abandon({
          delayMs: 1_000,
          propertiesToModify: { retried: 'yes' },
        });
    });
    const b = bus.subscribe(bystander, async (m) => {
      other.push(m);
    });
    await eventually(
      () => seen.length,
      (n) => n === 1,
    );
    const waiting = await eventually(
      () => bus.peek(retrying),
      (p) => p.length === 1 && p[0]!.state === 'deferred',
    );
    expect(waiting[0]!.messageId).toBe('retry-me');

    await eventually(
      () => seen.length,
      (n) => n === 2,
    );
    const [first, second] = seen;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(second!.m).toMatchObject({
      messageId: 'retry-me',
      sequenceNumber: first!.m.sequenceNumber,
      deliveryCount: 2,
      state: 'active',
    });
    expect(second!.m.applicationProperties).toMatchObject({
      retried: 'yes',
      traceparent: first!.m.applicationProperties['traceparent'],
    });
    expect(Object.keys(second!.m.applicationProperties).some((k) => k.startsWith('leaf-wakeup'))).toBe(false);

    // The wake-up reached the other subscription too; it was completed there, unseen by its handler.
    await eventually(
      () => bus.peek(bystander),
      (p) => p.length === 0,
    );
    await sleep(300);
    expect(other.map((m) => m.messageId)).toEqual(['retry-me']);
    expect(await bus.peek(retrying)).toEqual([]);
    await Promise.all([a.close(), b.close()]);
    expect(errors).toEqual([]);
  });

  it('counts deliveries through delayed retries and dead-letters at maxDeliveryCount, never losing the message', async () => {
    const counts: number[] = [];
    await bus.send('agent-tasks', { body: task(1), messageId: 'always-fails' });
    const consumer = bus.subscribe(queue, async (m, ctx) => {
      counts.push(m.deliveryCount);
      if (m.deliveryCount < 3) await ctx.abandon({ delayMs: 200 });
      else throw new Error('still broken');
    });
    const dead = await eventually(
      () => bus.peek(queue, { deadLetter: true }),
      (d) => d.length === 1,
    );
    expect(dead[0]).toMatchObject({
      messageId: 'always-fails',
      deadLetterReason: 'MaxDeliveryCountExceeded',
    });
    expect(dead[0]!.deadLetterErrorDescription).toContain('still broken');
    expect(counts).toEqual([1, 2, 3]);
    expect(await bus.peek(queue)).toEqual([]);
    await consumer.close();
  });

  it('refuses a batch that does not fit one Service Bus batch, sending none of it', async () => {
    const big = 'x'.repeat(100 * 1024);
    const batch = [1, 2, 3].map((n) => ({
      body: task(n, big),
      messageId: `big-${n}`,
    }));
    const failure = await bus.send('agent-tasks', batch).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isMessagingError(failure, 'MESSAGE_SIZE_EXCEEDED')).toBe(true);
    expect((failure as Error).message).toContain('3 messages');
    expect(await bus.peek(queue)).toEqual([]);
    // Two of them fit, and go together.
    await bus.send('agent-tasks', batch.slice(0, 2));
    expect((await bus.peek(queue)).map((m) => m.messageId)).toEqual(['big-1', 'big-2']);
  });

  it("refuses a batch within the port's count of bytes that Service Bus's own framing takes over the link's limit, with the same typed error", async () => {
    // Two messages that together count just under 256 KB: the AMQP headers and batch framing the
    // SDK adds push the batch past the 256 KB the broker advertises.
    const limit = 256 * 1024;
    const sized = (n: number, padding: number) => ({
      body: task(n, 'x'.repeat(padding)),
      messageId: `edge-${n}`,
    });
    let padding = Math.floor(limit / 2) - 200;
    while (messageSizeBytes(sized(1, padding + 1)) + messageSizeBytes(sized(2, padding + 1)) <= limit - 16) padding += 1;
    const pair = [sized(1, padding), sized(2, padding)];
    expect(pair.reduce((sum, m) => sum + messageSizeBytes(m), 0)).toBeLessThanOrEqual(limit);
    const failure = await bus.send('agent-tasks', pair).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isMessagingError(failure, 'MESSAGE_SIZE_EXCEEDED')).toBe(true);
    expect((failure as Error).message).toContain('message 2 of 2');
    expect(await bus.peek(queue)).toEqual([]);
  });

  it('reports an entity the namespace does not have with a typed error', async () => {
    // Declared in the catalogue but not provisioned on this namespace: the broker refuses it.
    const notProvisioned = await bus.send('agent.task-failed.v1', { body: event(1) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isMessagingError(notProvisioned, 'MESSAGING_ENTITY_UNKNOWN')).toBe(true);
    // Not in the catalogue at all: refused before anything is sent.
    const undeclared = await bus
      .send(`missing-${randomUUID().slice(0, 8)}` as EntityName, {
        body: task(1),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isMessagingError(undeclared, 'MESSAGING_ENTITY_UNKNOWN')).toBe(true);
  });

  it('cancels a scheduled message so it never arrives, and delivers the kept one at its time', async () => {
    const got: Array<{ id: string; at: number }> = [];
    const at = new Date(Date.now() + 1_000);
    const [keep] = await bus.schedule('agent-tasks', { body: task(1), messageId: 'keep' }, at);
    const [drop] = await bus.schedule('agent-tasks', { body: task(2), messageId: 'drop' }, at);
    expect(keep! < drop!).toBe(true);
    await bus.cancelScheduled('agent-tasks', [drop!]);
    const consumer = bus.subscribe(queue, async (m) => {
      got.push({ id: m.messageId, at: Date.now() });
    });
    await eventually(
      () => got.length,
      (n) => n === 1,
    );
    await sleep(500);
    expect(got.map((g) => g.id)).toEqual(['keep']);
    expect(got[0]!.at).toBeGreaterThanOrEqual(at.getTime() - 100);
    await consumer.close();
  });
});
