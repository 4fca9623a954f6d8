import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { BrokerTopology } from './broker-topology';
import { useBrokerClient } from './broker-client.fixture';

const topology: BrokerTopology = {
  queues: [
    { name: 'mgmt', settings: { lockDurationMs: 5_000, maxDeliveryCount: 5 } },
    {
      name: 'expiring',
      settings: { lockDurationMs: 700, maxDeliveryCount: 5 },
    },
    { name: 'peeked', settings: { lockDurationMs: 5_000 } },
    { name: 'scheduled', settings: { lockDurationMs: 5_000 } },
  ],
  topics: [],
};

describe('Service Bus test broker: $management operations, deferral and lock expiry', () => {
  const sdk = useBrokerClient(topology);

  async function receiveOne(queue: string, waitMs = 2_000): Promise<ServiceBusReceivedMessage | undefined> {
    const receiver = sdk.client.createReceiver(queue, {
      receiveMode: 'receiveAndDelete',
    });
    try {
      const [message] = await receiver.receiveMessages(1, {
        maxWaitTimeInMs: waitMs,
      });
      return message;
    } finally {
      await receiver.close();
    }
  }

  it('defers a message; it is only reachable by sequence number and can then be completed', async () => {
    const sender = sdk.client.createSender('mgmt');
    await sender.sendMessages({ body: 'later' });
    await sender.close();
    const receiver = sdk.client.createReceiver('mgmt');
    const [message] = await receiver.receiveMessages(1, {
      maxWaitTimeInMs: 2_000,
    });
    const sequenceNumber = (message as ServiceBusReceivedMessage).sequenceNumber as NonNullable<ServiceBusReceivedMessage['sequenceNumber']>;
    await receiver.deferMessage(message as ServiceBusReceivedMessage);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);

    const [deferred] = await receiver.receiveDeferredMessages([sequenceNumber]);
    expect(deferred?.body).toBe('later');
    expect(deferred?.state).toBe('deferred');
    expect(deferred?.lockToken).toBeDefined();
    await receiver.completeMessage(deferred as ServiceBusReceivedMessage);
    await expect(receiver.receiveDeferredMessages([sequenceNumber])).rejects.toThrow();
    await receiver.close();
  });

  it('peeks without locking, answers an empty peek with no messages, and renews a lock', async () => {
    const sender = sdk.client.createSender('peeked');
    await sender.sendMessages([{ body: 'p1' }, { body: 'p2' }]);
    await sender.close();
    const receiver = sdk.client.createReceiver('peeked');
    const peeked = await receiver.peekMessages(10);
    expect(peeked.map((m) => m.body)).toEqual(['p1', 'p2']);
    expect(await receiver.peekMessages(10)).toEqual([]);

    const [locked] = await receiver.receiveMessages(1, {
      maxWaitTimeInMs: 2_000,
    });
    const before = (locked as ServiceBusReceivedMessage).lockedUntilUtc?.getTime() ?? Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const renewed = await receiver.renewMessageLock(locked as ServiceBusReceivedMessage);
    expect(renewed.getTime()).toBeGreaterThan(before);
    await receiver.completeMessage(locked as ServiceBusReceivedMessage);
    const [second] = await receiver.receiveMessages(1, {
      maxWaitTimeInMs: 2_000,
    });
    expect(second?.body).toBe('p2');
    await receiver.completeMessage(second as ServiceBusReceivedMessage);
    await receiver.close();
  });

  it('schedules a message for later and cancels another before it is enqueued', async () => {
    const sender = sdk.client.createSender('scheduled');
    // Far enough ahead that scheduling, peeking and cancelling on a loaded CI machine finish before it is due.
    const at = new Date(Date.now() + 5_000);
    const [kept] = await sender.scheduleMessages({ body: 'kept' }, at);
    const [cancelled] = await sender.scheduleMessages({ body: 'cancelled' }, at);
    expect(kept?.toNumber()).toBeGreaterThan(0);
    if (!cancelled) throw new Error('no sequence number for the scheduled message');
    const peeker = sdk.client.createReceiver('scheduled');
    const pending = await peeker.peekMessages(10, { fromSequenceNumber: kept });
    expect(pending.map((m) => [m.body, m.state])).toEqual([
      ['kept', 'scheduled'],
      ['cancelled', 'scheduled'],
    ]);
    await sender.cancelScheduledMessages(cancelled);
    const left = await peeker.peekMessages(10, { fromSequenceNumber: kept });
    expect(left.map((m) => m.body)).toEqual(['kept']);
    await peeker.close();
    await sender.close();
    expect(Date.now() + 300).toBeLessThan(at.getTime());
    expect(await receiveOne('scheduled', 300)).toBeUndefined();
    const arrived = await receiveOne('scheduled', 8_000);
    expect(arrived?.body).toBe('kept');
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    expect(await receiveOne('scheduled', 1_200)).toBeUndefined();
  });

  it('redelivers a message whose lock expired, with the delivery count raised, and settling the stale lock fails', async () => {
    const sender = sdk.client.createSender('expiring');
    await sender.sendMessages({ body: 'slow' });
    await sender.close();
    const first = sdk.client.createReceiver('expiring', {
      maxAutoLockRenewalDurationInMs: 0,
    });
    const [held] = await first.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(held?.deliveryCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(first.completeMessage(held as ServiceBusReceivedMessage)).rejects.toMatchObject({
      code: 'MessageLockLost',
    });
    await first.close();
    const second = sdk.client.createReceiver('expiring');
    const [again] = await second.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(again?.body).toBe('slow');
    expect(again?.deliveryCount).toBe(1);
    await second.completeMessage(again as ServiceBusReceivedMessage);
    await second.close();
  });
});
