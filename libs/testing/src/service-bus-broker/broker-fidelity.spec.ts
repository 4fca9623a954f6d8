import { isServiceBusError, ServiceBusClient } from '@azure/service-bus';
import { connect, type Connection } from 'rhea';
import type { BrokerTopology } from './broker-topology';
import { testRetryOptions } from './broker-client.fixture';
import { startServiceBusBroker, type ServiceBusBroker } from './service-bus-broker';

const expiring = {
  defaultMessageTimeToLiveMs: 60_000,
  deadLetteringOnMessageExpiration: true,
};
const topology: BrokerTopology = {
  queues: [
    { name: 'work', settings: { ...expiring, lockDurationMs: 5_000 } },
    { name: 'other', settings: expiring },
    {
      name: 'per-claim',
      settings: { requiresSession: true, lockDurationMs: 800 },
    },
  ],
  topics: [
    {
      name: 'events',
      settings: { defaultMessageTimeToLiveMs: 60_000 },
      subscriptions: [
        {
          name: 'plain',
          settings: { deadLetteringOnMessageExpiration: false },
        },
        {
          name: 'ordered',
          settings: { requiresSession: true, ...expiring },
        },
      ],
    },
  ],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failureOf = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (error: unknown) => error,
  );

/** What the broker does as Azure Service Bus does, seen through the real SDK (and raw AMQP where the SDK would refuse first). */
describe('Service Bus test broker: time-to-live, sessions, size, sequence numbers', () => {
  let broker: ServiceBusBroker;
  let client: ServiceBusClient;
  beforeAll(async () => {
    broker = await startServiceBusBroker({
      topology,
      maxMessageSizeBytes: 64 * 1024,
    });
    client = new ServiceBusClient(broker.connectionString, {
      retryOptions: testRetryOptions,
    });
  });
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  it('never delivers an expired message: dead-lettered with TTLExpiredException where the entity asks, dropped where not; expiresAtUtc is set', async () => {
    await client.createSender('work').sendMessages([
      { body: 'short', messageId: 'short', timeToLive: 300 },
      { body: 'kept', messageId: 'kept' },
    ]);
    await client.createSender('events').sendMessages({ body: 'fleeting', timeToLive: 300 });
    await sleep(600);
    const receiver = client.createReceiver('work');
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(got.map((m) => m.messageId)).toEqual(['kept']);
    expect(got[0]!.expiresAtUtc!.getTime()).toBe(got[0]!.enqueuedTimeUtc!.getTime() + 60_000);
    await receiver.completeMessage(got[0]!);
    const dead = await client.createReceiver('work', { subQueueType: 'deadLetter' }).peekMessages(5);
    expect(dead.map((m) => [m.messageId, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['short', 'TTLExpiredException', 'The message expired and was dead lettered.'],
    ]);

    const plain = client.createReceiver('events', 'plain');
    expect(await plain.receiveMessages(5, { maxWaitTimeInMs: 300 })).toEqual([]);
    expect(await client.createReceiver('events', 'plain', { subQueueType: 'deadLetter' }).peekMessages(5)).toEqual([]);
  });

  it('refuses a session queue message without a session id (InvalidOperation), and dead-letters the copy a session subscription would get', async () => {
    const refused = await failureOf(() => client.createSender('per-claim').sendMessages({ body: 'no session' }));
    expect(isServiceBusError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/SessionId was not set/);
    expect(await client.createReceiver('per-claim', { subQueueType: 'deadLetter' }).peekMessages(5)).toEqual([]);

    await client.createSender('events').sendMessages({ body: 'sessionless', messageId: 'sessionless' });
    const dead = await client.createReceiver('events', 'ordered', { subQueueType: 'deadLetter' }).peekMessages(5);
    expect(dead.filter((m) => m.messageId === 'sessionless').map((m) => [m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['Session id is null.', "Session enabled entity doesn't allow a message whose session identifier is null."],
    ]);
  });

  it('advertises its maximum message size and refuses a larger transfer with message-size-exceeded', async () => {
    const batch = await client.createSender('work').createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(64 * 1024);
    // The SDK refuses to send it at all; a client that does not check meets the broker's refusal.
    const connection: Connection = connect({
      host: '127.0.0.1',
      port: broker.port,
      reconnect: false,
    });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const sender = connection.open_sender('other');
        sender.once('sendable', () =>
          sender.send({
            body: Buffer.alloc(70 * 1024, 0x61),
            message_id: 'huge',
          }),
        );
        sender.once('rejected', (context) =>
          resolve(
            String(
              (
                context.delivery?.remote_state as {
                  error?: { condition?: string };
                }
              )?.error?.condition,
            ),
          ),
        );
        sender.once('accepted', () => resolve('accepted'));
      });
      expect(outcome).toBe('amqp:link:message-size-exceeded');
    } finally {
      connection.close();
    }
    expect(await client.createReceiver('other').peekMessages(5)).toEqual([]);
  });

  it("numbers each entity on its own, keeps a dead-lettered message's number, and renumbers a scheduled message when it activates", async () => {
    const receiver = client.createReceiver('other');
    const sender = client.createSender('other');
    await sender.sendMessages({ body: 'first', messageId: 'first' });
    const [scheduledAs] = await sender.scheduleMessages({ body: 'later', messageId: 'later' }, new Date(Date.now() + 400));
    await sender.sendMessages({ body: 'meanwhile', messageId: 'meanwhile' });
    const before = await receiver.peekMessages(5);
    expect(scheduledAs?.toNumber()).toBe(2);
    const numbers = Object.fromEntries(before.map((m) => [m.messageId, m.sequenceNumber!.toNumber()]));
    // 'other' saw only these: its numbers start at 1 whatever the other entities carry.
    expect(numbers).toEqual({ first: 1, later: 2, meanwhile: 3 });
    await sleep(600);
    const got = await receiver.receiveMessages(3, { maxWaitTimeInMs: 500 });
    expect(got.map((m) => [m.messageId, m.sequenceNumber!.toNumber()])).toEqual([
      ['first', 1],
      ['meanwhile', 3],
      ['later', 4],
    ]);
    await receiver.deadLetterMessage(got[2]!, {
      deadLetterReason: 'kept',
      deadLetterErrorDescription: 'for the spec',
    });
    for (const m of got.slice(0, 2)) await receiver.completeMessage(m);
    const [dead] = await client.createReceiver('other', { subQueueType: 'deadLetter' }).peekMessages(1);
    expect([dead?.messageId, dead?.sequenceNumber?.toNumber()]).toEqual(['later', 4]);
  });

  it('closes a session receiver whose session lock expired with SessionLockLost, and gives the session to the next acceptor', async () => {
    await client.createSender('per-claim').sendMessages([
      { body: 'a1', sessionId: 'claim-a' },
      { body: 'a2', sessionId: 'claim-a' },
    ]);
    const stale = await client.acceptSession('per-claim', 'claim-a', {
      maxAutoLockRenewalDurationInMs: 0,
    });
    const [held] = await stale.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
    await sleep(1_100);
    const next = await client.acceptSession('per-claim', 'claim-a');
    const taken = await next.receiveMessages(2, { maxWaitTimeInMs: 1_000 });
    expect(taken.map((m) => [m.body, m.deliveryCount])).toEqual([
      ['a1', 1],
      ['a2', 0],
    ]);
    const settle = await failureOf(() => stale.completeMessage(held!));
    expect(isServiceBusError(settle) && settle.code).toBe('SessionLockLost');
    const receive = await failureOf(() => stale.receiveMessages(1, { maxWaitTimeInMs: 300 }));
    expect(isServiceBusError(receive) && receive.code).toBe('SessionLockLost');
    for (const m of taken) await next.completeMessage(m);
    await next.close();
    await stale.close();
  });
});
