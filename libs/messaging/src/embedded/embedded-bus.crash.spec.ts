import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { conformanceSettings, conformanceTopology } from '../testing';
import { createEmbeddedBus } from './create-embedded-bus';
import type { EmbeddedBus } from './embedded-bus';
import { startConsumerProcess, until, type ConsumerProcess } from './fixtures/consumer-process';

describe.each(testDatabaseTargets())('embedded bus consumer killed mid-handler on $name', ({ create }) => {
  let db: TestDatabase;
  let bus: EmbeddedBus | undefined;
  let consumer: ConsumerProcess | undefined;
  const schema = `bus_crash_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => {
    await consumer?.kill();
    await bus?.close();
    await db?.drop();
  });

  it('redelivers its messages once their locks expire; each takes effect exactly once and none is lost', async () => {
    bus = await createEmbeddedBus({ url: db.url, schema, topology: conformanceTopology });
    const effects = new Pool({ connectionString: db.url, max: 3 });
    try {
      await effects.query('CREATE TABLE crash_effects (message_id text PRIMARY KEY, delivery_count int NOT NULL)');
      const started = startConsumerProcess('crash-consumer.fixture.ts', [db.url, schema]);
      consumer = started;
      await until(() => started.lines.includes('ready'), 30_000, 'the consumer process to start');

      const ids = ['crash-1', 'crash-2', 'crash-3'];
      await bus.send(
        'agent-tasks',
        ids.map((messageId, n) => ({ messageId, body: { taskId: messageId, kind: 'crash', clientId: 'acme-health', parameters: { n }, requestedBy: 'spec' } })),
      );
      const taken = () => started.lines.filter((l) => l.startsWith('handling '));
      await until(() => taken().length === ids.length, 15_000, 'the consumer to take every message');
      const lockedUntil = new Map(taken().map((l) => [l.split(' ')[1], Number(l.split(' ')[2])]));
      await started.kill();

      // The idempotent consumer that survives: the effect is keyed by messageId, so a second delivery is a no-op.
      const handled: Array<{ id: string; deliveryCount: number; at: number }> = [];
      bus.subscribe(
        { queue: 'agent-tasks' },
        async (message) => {
          handled.push({ id: message.messageId, deliveryCount: message.deliveryCount, at: Date.now() });
          await effects.query('INSERT INTO crash_effects VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING', [message.messageId, message.deliveryCount]);
        },
        { maxConcurrentCalls: 3 },
      );
      await until(() => handled.length === ids.length, conformanceSettings.lockDurationMs * 5, 'the redeliveries');
      await new Promise((r) => setTimeout(r, conformanceSettings.lockDurationMs));

      expect(handled.map((h) => h.id).sort()).toEqual(ids);
      expect(handled.every((h) => h.deliveryCount === 2)).toBe(true);
      // Not before the dead consumer's locks ran out (the database clock is this machine's; 50 ms for rounding).
      for (const h of handled) expect(h.at).toBeGreaterThanOrEqual((lockedUntil.get(h.id) ?? Infinity) - 50);
      const { rows } = await effects.query<{ message_id: string }>('SELECT message_id FROM crash_effects ORDER BY message_id');
      expect(rows.map((r) => r.message_id)).toEqual(ids);
      expect(await bus.peek({ queue: 'agent-tasks' })).toEqual([]);
      expect(await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true })).toEqual([]);
    } finally {
      await effects.end();
    }
  });
});
