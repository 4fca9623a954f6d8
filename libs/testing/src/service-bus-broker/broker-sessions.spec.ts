import type { BrokerTopology } from './broker-topology';
import { useBrokerClient } from './broker-client.fixture';

const topology: BrokerTopology = {
  queues: [
    {
      name: 'per-claim',
      settings: { requiresSession: true, lockDurationMs: 5_000 },
    },
    {
      name: 'short-session-lock',
      settings: { requiresSession: true, lockDurationMs: 700 },
    },
  ],
  topics: [],
};

describe('Service Bus test broker: sessions', () => {
  const sdk = useBrokerClient(topology);

  it('gives one session to one receiver, in order, with session lock renewal and session state', async () => {
    const sender = sdk.client.createSender('per-claim');
    await sender.sendMessages([
      { body: 'a1', sessionId: 'claim-a' },
      { body: 'b1', sessionId: 'claim-b' },
      { body: 'a2', sessionId: 'claim-a' },
    ]);
    await sender.close();

    const a = await sdk.client.acceptSession('per-claim', 'claim-a');
    expect(a.sessionId).toBe('claim-a');
    expect(a.sessionLockedUntilUtc.getTime()).toBeGreaterThan(Date.now());
    await expect(sdk.client.acceptSession('per-claim', 'claim-a')).rejects.toThrow();

    const got = await a.receiveMessages(5, { maxWaitTimeInMs: 1_000 });
    expect(got.map((m) => m.body)).toEqual(['a1', 'a2']);
    for (const m of got) await a.completeMessage(m);

    const before = a.sessionLockedUntilUtc.getTime();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await a.renewSessionLock()).getTime()).toBeGreaterThan(before);
    await a.setSessionState(Buffer.from('checkpoint-2'));
    expect(Buffer.from(await a.getSessionState()).toString()).toBe('checkpoint-2');
    await a.close();

    const next = await sdk.client.acceptNextSession('per-claim');
    expect(next.sessionId).toBe('claim-b');
    const [b1] = await next.receiveMessages(5, { maxWaitTimeInMs: 1_000 });
    expect(b1?.body).toBe('b1');
    expect(b1?.sessionId).toBe('claim-b');
    if (b1) await next.completeMessage(b1);
    await next.close();
  });

  it('renewing the session lock also extends the locks of the messages the session receiver holds', async () => {
    const sender = sdk.client.createSender('short-session-lock');
    await sender.sendMessages({ body: 'long', sessionId: 'slow' });
    await sender.close();
    // No automatic renewal: only the explicit session lock renewals below keep the message.
    const session = await sdk.client.acceptSession('short-session-lock', 'slow', {
      maxAutoLockRenewalDurationInMs: 0,
    });
    const [held] = await session.receiveMessages(1, {
      maxWaitTimeInMs: 1_000,
    });
    if (!held) throw new Error('the session message was not delivered');
    // Past the 700 ms lock duration twice over, renewing the session lock every 400 ms.
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await session.renewSessionLock();
    }
    await session.completeMessage(held);
    expect(await session.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await session.close();
  });
});
