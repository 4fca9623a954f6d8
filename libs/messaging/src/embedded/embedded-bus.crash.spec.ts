import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { conformanceSettings, conformanceTopology } from '../testing';
import { createEmbeddedBus } from './create-embedded-bus';
import type { EmbeddedBus } from './embedded-bus';

const workspace = resolve(__dirname, '../../../..');
const fixture = resolve(__dirname, 'fixtures/crash-consumer.fixture.ts');

function startConsumer(url: string, schema: string): { child: ChildProcess; lines: string[]; exited: Promise<void> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', fixture, url, schema], {
    cwd: workspace,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { child, lines, exited };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testDatabaseTargets())('embedded bus consumer killed mid-handler on $name', ({ create }) => {
  let db: TestDatabase;
  let bus: EmbeddedBus | undefined;
  let consumer: ReturnType<typeof startConsumer> | undefined;
  const schema = `bus_crash_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => {
    if (consumer && consumer.child.exitCode === null && consumer.child.signalCode === null) {
      consumer.child.kill('SIGKILL');
      await consumer.exited;
    }
    await bus?.close();
    await db?.drop();
  });

  it('redelivers its messages once their locks expire; each takes effect exactly once and none is lost', async () => {
    bus = await createEmbeddedBus({ url: db.url, schema, topology: conformanceTopology });
    const effects = new Pool({ connectionString: db.url, max: 3 });
    try {
      await effects.query('CREATE TABLE crash_effects (message_id text PRIMARY KEY, delivery_count int NOT NULL)');
      consumer = startConsumer(db.url, schema);
      await until(() => consumer!.lines.includes('ready'), 30_000, 'the consumer process to start');

      const ids = ['crash-1', 'crash-2', 'crash-3'];
      await bus.send(
        'agent-tasks',
        ids.map((messageId, n) => ({ messageId, body: { taskId: messageId, kind: 'crash', clientId: 'acme-health', parameters: { n }, requestedBy: 'spec' } })),
      );
      const taken = () => consumer!.lines.filter((l) => l.startsWith('handling '));
      await until(() => taken().length === ids.length, 15_000, 'the consumer to take every message');
      const lockedUntil = new Map(taken().map((l) => [l.split(' ')[1], Number(l.split(' ')[2])]));
      consumer.child.kill('SIGKILL');
      await consumer.exited;

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
