import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { useBrokerClient } from './broker-client.fixture';
import type { BrokerTopology } from './broker-topology';

const topology: BrokerTopology = {
  queues: [
    { name: 'work', settings: { lockDurationMs: 5_000, maxDeliveryCount: 3 } },
    {
      name: 'short-lock',
      settings: { lockDurationMs: 600, maxDeliveryCount: 5 },
    },
    {
      name: 'ordered',
      settings: { requiresSession: true, lockDurationMs: 5_000 },
    },
  ],
  topics: [
    {
      name: 'claims.changed.v1',
      subscriptions: [{ name: 'all' }, { name: 'urgent-only', filter: { subject: 'urgent' } }],
    },
  ],
};

describe('Service Bus test broker with the real @azure/service-bus SDK', () => {
  const sdk = useBrokerClient(topology);

  async function receiveAll(entity: string, count: number, sub?: string): Promise<ServiceBusReceivedMessage[]> {
    const receiver = sub ? sdk.client.createReceiver(entity, sub) : sdk.client.createReceiver(entity);
    try {
      const got: ServiceBusReceivedMessage[] = [];
      while (got.length < count) {
        const batch = await receiver.receiveMessages(count - got.length, {
          maxWaitTimeInMs: 2_000,
        });
        if (batch.length === 0) break;
        for (const m of batch) await receiver.completeMessage(m);
        got.push(...batch);
      }
      return got;
    } finally {
      await receiver.close();
    }
  }

  it('delivers a sent message with sequence number, enqueue time and lock, and complete removes it', async () => {
    const sender = sdk.client.createSender('work');
    await sender.sendMessages({
      body: { claimId: 'c-1' },
      messageId: 'm-complete',
      subject: 'claim',
    });
    const receiver = sdk.client.createReceiver('work');
    const [message] = await receiver.receiveMessages(1, {
      maxWaitTimeInMs: 2_000,
    });
    expect(message?.body).toEqual({ claimId: 'c-1' });
    expect(message?.subject).toBe('claim');
    expect(message?.sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(message?.enqueuedTimeUtc?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(message?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now());
    expect(message?.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(message?.deliveryCount).toBe(0);
    await receiver.completeMessage(message as ServiceBusReceivedMessage);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('sends a batch and receive-and-delete takes every message without a lock', async () => {
    const sender = sdk.client.createSender('work');
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 5; i++) expect(batch.tryAddMessage({ body: `b-${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.close();
    const receiver = sdk.client.createReceiver('work', {
      receiveMode: 'receiveAndDelete',
    });
    const got = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1_000 });
    expect(got.map((m) => m.body)).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
    expect(got.every((m) => m.lockToken === undefined)).toBe(true);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
  });

  it('abandon redelivers with a higher delivery count until max delivery count dead-letters it', async () => {
    const sender = sdk.client.createSender('work');
    await sender.sendMessages({ body: 'poison', messageId: 'm-poison' });
    await sender.close();
    const receiver = sdk.client.createReceiver('work');
    const counts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const [message] = await receiver.receiveMessages(1, {
        maxWaitTimeInMs: 2_000,
      });
      counts.push(message?.deliveryCount ?? -1);
      await receiver.abandonMessage(message as ServiceBusReceivedMessage);
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
    const [dead] = await receiveDead('work');
    expect(dead?.body).toBe('poison');
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
  });

  async function receiveDead(queue: string): Promise<ServiceBusReceivedMessage[]> {
    const dlq = sdk.client.createReceiver(queue, { subQueueType: 'deadLetter' });
    try {
      const got = await dlq.receiveMessages(10, { maxWaitTimeInMs: 1_000 });
      for (const m of got) await dlq.completeMessage(m);
      return got;
    } finally {
      await dlq.close();
    }
  }

  it('dead-letters with the given reason and description, visible on the dead-letter sub-queue', async () => {
    const sender = sdk.client.createSender('work');
    await sender.sendMessages({
      body: 'bad',
      applicationProperties: { tenant: 't1' },
    });
    await sender.close();
    const receiver = sdk.client.createReceiver('work');
    const [message] = await receiver.receiveMessages(1, {
      maxWaitTimeInMs: 2_000,
    });
    await receiver.deadLetterMessage(message as ServiceBusReceivedMessage, {
      deadLetterReason: 'schema-invalid',
      deadLetterErrorDescription: 'claimId missing',
    });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
    const [dead] = await receiveDead('work');
    expect(dead?.body).toBe('bad');
    expect(dead?.deadLetterReason).toBe('schema-invalid');
    expect(dead?.deadLetterErrorDescription).toBe('claimId missing');
    expect(dead?.applicationProperties?.['tenant']).toBe('t1');
  });

  it('routes topic messages to every subscription whose correlation filter matches', async () => {
    const sender = sdk.client.createSender('claims.changed.v1');
    await sender.sendMessages([
      { body: 'routine', subject: 'routine' },
      { body: 'hot', subject: 'urgent' },
    ]);
    await sender.close();
    const all = await receiveAll('claims.changed.v1', 2, 'all');
    const urgent = await receiveAll('claims.changed.v1', 2, 'urgent-only');
    expect(all.map((m) => m.body).sort()).toEqual(['hot', 'routine']);
    expect(urgent.map((m) => m.body)).toEqual(['hot']);
  });

  it('drops a second message with the same messageId inside the duplicate-detection window', async () => {
    const sender = sdk.client.createSender('work');
    await sender.sendMessages({ body: 'first', messageId: 'dup-1' });
    await sender.sendMessages({ body: 'second', messageId: 'dup-1' });
    await sender.close();
    const got = await receiveAll('work', 2);
    expect(got.map((m) => m.body)).toEqual(['first']);
  });

  it('fails attaching to an entity that is not declared', async () => {
    const sender = sdk.client.createSender('no-such-queue');
    await expect(sender.sendMessages({ body: 'x' })).rejects.toMatchObject({
      code: 'MessagingEntityNotFound',
    });
    await sender.close();
  });
});
