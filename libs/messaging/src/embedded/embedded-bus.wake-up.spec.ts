import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import type { ReceivedMessage } from '../port/message';
import { conformanceTopology } from '../testing';
import { createEmbeddedBus } from './create-embedded-bus';
import type { EmbeddedBus } from './embedded-bus';
import { startConsumerProcess, until, type ConsumerProcess } from './fixtures/consumer-process';

// A minute: any delivery well under it came from a wake-up, not from the safety-net poll.
const pollIntervalMs = 60_000;
const task = (n: number) => ({ taskId: `t${n}`, kind: 'wake', clientId: 'acme-health', parameters: { n }, requestedBy: 'spec' });

describe.each(testDatabaseTargets())('embedded bus wake-ups and competing consumers on $name', ({ name, create }) => {
  let db: TestDatabase;
  const opened: EmbeddedBus[] = [];
  let schema: string;
  let child: ConsumerProcess | undefined;

  const open = async () => {
    const bus = await createEmbeddedBus({ url: db.url, schema, topology: conformanceTopology, pollIntervalMs });
    opened.push(bus);
    return bus;
  };

  beforeAll(async () => {
    db = await create();
  });
  beforeEach(() => {
    schema = `bus_wake_${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await child?.kill();
    child = undefined;
    await Promise.all(opened.splice(0).map((b) => b.close()));
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  });
  afterAll(() => db?.drop());

  it('wakes a waiting consumer of another bus in this process on each send, not on the poll', async () => {
    const [consumer, producer] = [await open(), await open()];
    const latencies: number[] = [];
    let sentAt = 0;
    consumer.subscribe({ queue: 'agent-tasks' }, async () => {
      latencies.push(Date.now() - sentAt);
    });
    for (let n = 0; n < 5; n++) {
      // Let the consumer go idle first, so each send has to wake it.
      await new Promise((r) => setTimeout(r, 100));
      sentAt = Date.now();
      await producer.send('agent-tasks', { body: task(n) });
      await until(() => latencies.length === n + 1, 10_000, `delivery ${n}`);
    }
    expect(Math.max(...latencies)).toBeLessThan(5_000);
  });

  it('shares a queue between competing consumers: every message handled exactly once', async () => {
    const [first, second] = [await open(), await open()];
    const seen = new Map<string, ReceivedMessage[]>();
    const handler = async (m: ReceivedMessage) => {
      seen.set(m.messageId, [...(seen.get(m.messageId) ?? []), m]);
      await new Promise((r) => setTimeout(r, Math.random() * 5));
    };
    first.subscribe({ queue: 'agent-tasks' }, handler, { maxConcurrentCalls: 4 });
    second.subscribe({ queue: 'agent-tasks' }, handler, { maxConcurrentCalls: 4 });
    const ids = Array.from({ length: 200 }, (_, n) => `m-${n}`);
    for (let i = 0; i < ids.length; i += 50) {
      await first.send(
        'agent-tasks',
        ids.slice(i, i + 50).map((messageId, n) => ({ messageId, body: task(i + n) })),
      );
    }
    await until(() => seen.size === ids.length, 30_000, 'all messages');
    await new Promise((r) => setTimeout(r, 300));
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    expect([...seen.values()].every((deliveries) => deliveries.length === 1 && deliveries[0]?.deliveryCount === 1)).toBe(true);
    expect(await first.peek({ queue: 'agent-tasks' })).toEqual([]);
  });

  // PGlite's socket does not deliver NOTIFY between connections: another process on it relies on the poll.
  if (name === 'postgres') {
    it('wakes a consumer in another process through LISTEN/NOTIFY', async () => {
      const producer = await open();
      child = startConsumerProcess('wake-up-consumer.fixture.ts', [db.url, schema]);
      await until(() => child?.lines.includes('ready') ?? false, 30_000, 'the consumer process');
      const sent: number[] = [];
      for (let n = 0; n < 3; n++) {
        await new Promise((r) => setTimeout(r, 100));
        sent.push(Date.now());
        await producer.send('agent-tasks', { body: task(n), messageId: `x-${n}` });
        await until(() => child?.lines.some((l) => l.startsWith(`got x-${n} `)) ?? false, 10_000, `delivery ${n} in the other process`);
      }
      const received = sent.map((_, n) => Number(child?.lines.find((l) => l.startsWith(`got x-${n} `))?.split(' ')[2]));
      expect(Math.max(...received.map((at, n) => at - (sent[n] ?? 0)))).toBeLessThan(5_000);
    });
  }
});
