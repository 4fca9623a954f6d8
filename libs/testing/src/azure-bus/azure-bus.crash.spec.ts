import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createAzureServiceBus, type AzureServiceBus } from '@leaf/messaging';
import { conformanceSettings, conformanceTopology } from '@leaf/messaging/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '../service-bus-broker/service-bus-broker';
import { brokerTopology } from './broker-topology.from-bus';
import { testRetryOptions } from '../service-bus-broker/broker-client.fixture';

const workspace = resolve(__dirname, '../../../..');

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The same crash as the embedded adapter's spec, on the Azure adapter: a consumer process dies holding locks. */
describe('Azure adapter consumer killed mid-handler (real SDK, AMQP test broker)', () => {
  let broker: ServiceBusBroker;
  let bus: AzureServiceBus;

  beforeAll(async () => {
    broker = await startServiceBusBroker({ topology: brokerTopology(conformanceTopology) });
    bus = createAzureServiceBus({ connectionString: broker.connectionString }, { topology: conformanceTopology, client: { retryOptions: testRetryOptions } });
  });
  afterAll(async () => {
    await bus?.close();
    await broker?.stop();
  });

  it('redelivers its messages after their locks expire; each takes effect once and none is lost', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        resolve(__dirname, 'fixtures/azure-crash-consumer.fixture.ts'),
        broker.connectionString,
        JSON.stringify(conformanceTopology),
      ],
      {
        cwd: workspace,
        env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const lines: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    try {
      await until(() => lines.includes('ready'), 30_000, 'the consumer process to start');
      const ids = ['az-crash-1', 'az-crash-2', 'az-crash-3'];
      const sentAt = Date.now();
      await bus.send(
        'agent-tasks',
        ids.map((messageId, n) => ({ messageId, body: { taskId: messageId, kind: 'crash', clientId: 'acme-health', parameters: { n }, requestedBy: 'spec' } })),
      );
      await until(() => lines.filter((l) => l.startsWith('handling ')).length === ids.length, 15_000, 'the consumer to take every message');
      child.kill('SIGKILL');
      await exited;

      // The surviving consumer is idempotent on messageId: the effect is a set keyed by it.
      const effects = new Map<string, number>();
      const handled: Array<{ id: string; deliveryCount: number; at: number }> = [];
      const consumer = bus.subscribe(
        { queue: 'agent-tasks' },
        async (message) => {
          handled.push({ id: message.messageId, deliveryCount: message.deliveryCount, at: Date.now() });
          if (!effects.has(message.messageId)) effects.set(message.messageId, message.deliveryCount);
        },
        { maxConcurrentCalls: 3 },
      );
      await until(() => handled.length >= ids.length, conformanceSettings.lockDurationMs * 6, 'the redeliveries');
      await new Promise((r) => setTimeout(r, conformanceSettings.lockDurationMs));
      await consumer.close();

      expect(handled.map((h) => h.id).sort()).toEqual(ids);
      expect(handled.every((h) => h.deliveryCount === 2)).toBe(true);
      // Not redelivered while the dead consumer's locks were valid: they were taken after the send.
      for (const h of handled) expect(h.at).toBeGreaterThanOrEqual(sentAt + conformanceSettings.lockDurationMs - 50);
      expect([...effects.keys()].sort()).toEqual(ids);
      expect(await bus.peek({ queue: 'agent-tasks' })).toEqual([]);
      expect(await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true })).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
