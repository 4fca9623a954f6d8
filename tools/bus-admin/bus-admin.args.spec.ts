import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { createEmbeddedBus } from '@leaf/messaging';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { BusAdminArgsError, parseBusAdminArgs } from './bus-admin.args';

const root = join(__dirname, '../..');
const db = ['--database-url', 'postgres://postgres@127.0.0.1:5432/leaf'];

function runAdmin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/bus-admin/main.ts'), ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bus:admin arguments', () => {
  it('parses list, inspect and resubmit against either bus', () => {
    expect(parseBusAdminArgs(['list', '--queue', 'agent-tasks', ...db, '--max-count', '20', '--from', '7'])).toEqual({
      kind: 'list',
      address: { queue: 'agent-tasks' },
      connection: { kind: 'embedded', url: db[1] },
      maxCount: 20,
      fromSequenceNumber: 7n,
    });
    expect(
      parseBusAdminArgs(['inspect', '12', '--topic', 'agent.task-started.v1', '--subscription', 'agent-dispatcher', '--service-bus-namespace', 'leaf-dev']),
    ).toEqual({
      kind: 'inspect',
      address: {
        topic: 'agent.task-started.v1',
        subscription: 'agent-dispatcher',
      },
      connection: {
        kind: 'azure',
        fullyQualifiedNamespace: 'leaf-dev.servicebus.windows.net',
      },
      sequenceNumber: 12n,
    });
    expect(
      parseBusAdminArgs(['resubmit', '3', '9223372036854775807', '--queue', 'agent-tasks', '--connection-string'], {
        LEAF_SERVICE_BUS_CONNECTION_STRING: 'Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=s',
      }),
    ).toMatchObject({
      kind: 'resubmit',
      sequenceNumbers: [3n, 9223372036854775807n],
      connection: { kind: 'azure' },
    });
    expect(parseBusAdminArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /missing command/],
    [['purge', '--queue', 'agent-tasks', ...db], /unknown command "purge"/],
    [['list', ...db], /--queue, or --topic and --subscription/],
    [['list', '--queue', 'nope', ...db], /unknown queue "nope"/],
    [['list', '--topic', 'agent.task-started.v1', ...db], /--queue, or --topic and --subscription/],
    [['list', '--queue', 'agent-tasks'], /exactly one of/],
    [['list', '--queue', 'agent-tasks', ...db, '--service-bus-namespace', 'x'], /exactly one of/],
    [['list', '--queue', 'agent-tasks', '--connection-string'], /LEAF_SERVICE_BUS_CONNECTION_STRING, which is not set/],
    [['list', '--queue', 'agent-tasks', '--database-url', 'mysql://x'], /postgres:\/\//],
    [['list', '--queue', 'agent-tasks', ...db, '--max-count', '0'], /--max-count/],
    [['inspect', '--queue', 'agent-tasks', ...db], /exactly one sequence number/],
    [['inspect', '-1', '--queue', 'agent-tasks', ...db], /Unknown option|decimal sequence number/],
    [['resubmit', '12x', '--queue', 'agent-tasks', ...db], /decimal sequence number, got "12x"/],
    [['resubmit', '--queue', 'agent-tasks', ...db], /at least one sequence number/],
    [['list', '--queue', 'agent-tasks', ...db, '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (argv, message) => {
    const attempt = () => parseBusAdminArgs(argv as string[]);
    expect(attempt).toThrow(BusAdminArgsError);
    expect(attempt).toThrow(message);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const { code, stdout, stderr } = await runAdmin(['resubmit', '--queue', 'agent-tasks', ...db]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('bus:admin: resubmit needs at least one sequence number');
    expect(stderr).toContain('Usage: npm run bus:admin');
  });
});

describe.each(testDatabaseTargets())('bus:admin against the embedded bus on $name', ({ create }) => {
  let database: TestDatabase;
  const schema = `bus_admin_cli_${randomBytes(5).toString('hex')}`;
  beforeAll(async () => {
    database = await create();
  });
  afterAll(async () => {
    if (!database) return;
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    await database.drop();
  });

  it('lists a dead-lettered message and resubmits it; an unknown number is reported and exits 1', async () => {
    const bus = await createEmbeddedBus({
      url: database.url,
      schema,
      poolSize: 2,
    });
    try {
      const body = {
        taskId: 'cli-1',
        kind: 'cli',
        clientId: 'acme-health',
        parameters: {},
        requestedBy: 'bus-admin-spec',
      };
      await bus.send('agent-tasks', { body });
      const consumer = bus.subscribe({ queue: 'agent-tasks' }, (_m, context) => context.deadLetter({ reason: 'poison' }));
      const deadline = Date.now() + 10_000;
      while ((await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true })).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      await consumer.close();
    } finally {
      await bus.close();
    }
    const target = ['--queue', 'agent-tasks', '--database-url', database.url, '--schema', schema];

    const list = await runAdmin(['list', ...target]);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const [item] = JSON.parse(list.stdout).items as Array<{
      sequenceNumber: string;
      reason: string;
    }>;
    expect(item.reason).toBe('poison');

    const resubmit = await runAdmin(['resubmit', item.sequenceNumber, '424242', ...target]);
    expect(resubmit.code).toBe(1);
    expect(JSON.parse(resubmit.stdout)).toMatchObject({
      resubmitted: [{ sequenceNumber: item.sequenceNumber }],
      notFound: ['424242'],
    });
    expect(JSON.parse((await runAdmin(['list', ...target])).stdout).items).toEqual([]);
  }, 30_000);
});
