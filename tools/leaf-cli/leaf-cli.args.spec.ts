import { join } from 'node:path';
import { helpText, parseLeafArgs, parseTaskParams, usage } from './leaf-cli.args';
import { UsageError } from './leaf-cli.errors';

const run = 'rec_0123456789abcdefghijklmnop';
const task = 'tsk_0123456789abcdefghijklmnop';
const packet = 'pkt-0123456789abcdef01234567';

describe('leaf CLI arguments', () => {
  it('reads the gateway and the token source, flags first, then the environment, then the default', () => {
    expect(parseLeafArgs(['clients', 'list'], {}).global).toEqual({
      baseUrl: new URL('http://127.0.0.1:3000'),
      json: false,
      token: { kind: 'none' },
    });
    const env = {
      LEAF_URL: 'https://leaf.example.org/api/',
      LEAF_TOKEN: ' env-token ',
    };
    expect(parseLeafArgs(['clients', 'list'], env).global).toEqual({
      baseUrl: new URL('https://leaf.example.org/api/'),
      json: false,
      token: { kind: 'env', value: 'env-token' },
    });
    // Options go anywhere on the line, as people type them.
    expect(parseLeafArgs(['--json', 'clients', '--url', 'http://localhost:3001', 'list', '--token', 'flag-token'], env).global).toEqual({
      baseUrl: new URL('http://localhost:3001'),
      json: true,
      token: { kind: 'flag', value: 'flag-token' },
    });
    expect(parseLeafArgs(['clients', 'list', '--token-file', '/tmp/t'], env).global.token).toEqual({ kind: 'file', path: '/tmp/t' });
  });

  it('parses each command into what it will send', () => {
    expect(parseLeafArgs(['reconcile', 'start', '--client', 'northfield-tech', '--period', 'northfield-tech-py2025'], {}).command).toEqual({
      name: 'reconcile start',
      clientId: 'northfield-tech',
      periodId: 'northfield-tech-py2025',
      idempotencyKey: undefined,
      wait: true,
      timeoutMs: 30 * 60_000,
    });
    expect(
      parseLeafArgs(['reconcile', 'start', '--client', 'a-b', '--period', 'p', '--idempotency-key', 'k-12345678', '--no-wait', '--timeout', '90'], {}).command,
    ).toMatchObject({
      idempotencyKey: 'k-12345678',
      wait: false,
      timeoutMs: 90_000,
    });
    expect(parseLeafArgs(['reconcile', 'wait', '--client', 'a-b', '--run', run], {}).command).toEqual({
      name: 'reconcile wait',
      clientId: 'a-b',
      runId: run,
      timeoutMs: 1_800_000,
    });
    expect(parseLeafArgs(['artifacts', 'download', '--client', 'a-b', '--run', run], {}).command).toEqual({
      name: 'artifacts download',
      clientId: 'a-b',
      runId: run,
      out: join(process.cwd(), run),
      names: undefined,
    });
    expect(
      parseLeafArgs(['artifacts', 'download', '--client', 'a-b', '--run', run, '--out', 'x', '--name', 'reconciliation.pdf', '--name', 'reconciliation.pdf'], {
        INIT_CWD: '/home/u/work',
      }).command,
    ).toMatchObject({
      out: '/home/u/work/x',
      names: ['reconciliation.pdf'],
    });
    expect(
      parseLeafArgs(['findings', 'list', '--client', 'a-b', '--run', run, '--format', 'csv', '--kind', 'paid_above_uc', '--page-size', '50'], {}).command,
    ).toEqual({
      name: 'findings list',
      clientId: 'a-b',
      runId: run,
      kind: 'paid_above_uc',
      format: 'csv',
      pageSize: 50,
    });
    expect(
      parseLeafArgs(['tasks', 'create', '--kind', 'platform.noop', '--client', 'a-b', '--param', 'note=hi there', '--param', 'sleepMs:=200', '--approve'], {})
        .command,
    ).toEqual({
      name: 'tasks create',
      body: {
        kind: 'platform.noop',
        clientId: 'a-b',
        parameters: { note: 'hi there', sleepMs: 200 },
        approve: true,
      },
      idempotencyKey: undefined,
      follow: true,
      timeoutMs: 1_800_000,
    });
    expect(parseLeafArgs(['tasks', 'follow', task, '--timeout', '5'], {}).command).toEqual({ name: 'tasks follow', taskId: task, timeoutMs: 5000 });
    expect(parseLeafArgs(['tasks', 'list', '--status', 'failed', '--limit', '5'], {}).command).toEqual({
      name: 'tasks list',
      clientId: undefined,
      status: 'failed',
      kind: undefined,
      limit: 5,
    });
    expect(parseLeafArgs(['packets', 'list', '--status', 'review'], {}).command).toEqual({ name: 'packets list', clientId: undefined, status: 'review' });
    expect(parseLeafArgs(['packets', 'reject', packet, '--reason', '  wrong client  '], {}).command).toEqual({
      name: 'packets reject',
      packetId: packet,
      reason: 'wrong client',
    });
  });

  it('answers help for everything, a group, or a command asked with --help', () => {
    expect(parseLeafArgs([], {}).command).toEqual({
      name: 'help',
      topic: undefined,
    });
    expect(parseLeafArgs(['help', 'tasks'], {}).command).toEqual({
      name: 'help',
      topic: 'tasks',
    });
    expect(parseLeafArgs(['packets', 'reject', '--help'], {}).command).toEqual({
      name: 'help',
      topic: 'packets',
    });
    expect(helpText('packets')).toContain('packets reject <packetId> --reason <text>');
    expect(helpText('packets')).not.toContain('tasks create');
    expect(helpText()).toBe(usage);
    expect(usage).toMatch(/Exit codes: 0 ok, 1 .*2 usage, 3 auth \(401\/403\),\s+4 not found, 5 network/s);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate" \(commands: clients, reconcile, artifacts, findings, tasks, packets\)/],
    [['reconcile'], /reconcile needs one of: start, show, wait/],
    [['reconcile', 'stop'], /unknown command "reconcile stop"/],
    [['clients', 'list', 'extra'], /clients list takes no argument "extra"/],
    [['clients', 'list', '--period', 'p'], /clients list does not take --period/],
    [['clients', 'list', '--bogus'], /Unknown option '--bogus'/],
    [['reconcile', 'start', '--period', 'p'], /--client is required/],
    [['reconcile', 'start', '--client', 'Not_Kebab', '--period', 'p'], /--client: client id must be lowercase kebab-case/],
    [['reconcile', 'start', '--client', 'a-b', '--period', 'p', '--timeout', '0'], /--timeout \(seconds\) must be a whole number/],
    [['reconcile', 'wait', '--client', 'a-b', '--run', 'run-1'], /--run: run id must look like rec_/],
    [['artifacts', 'download', '--client', 'a-b', '--run', run, '--name', '../etc/passwd'], /--name: /],
    [['findings', 'list', '--client', 'a-b', '--run', run, '--format', 'xlsx'], /--format must be table or csv/],
    [['findings', 'list', '--client', 'a-b', '--run', run, '--format', 'csv', '--json'], /--json and --format csv/],
    [['findings', 'list', '--client', 'a-b', '--run', run, '--page-size', '501'], /--page-size must be a whole number from 1 to 500/],
    [['tasks', 'create', '--kind', 'noop', '--client', 'a-b'], /task \(kind\): kind must look like domain\.action/],
    [['tasks', 'create', '--kind', 'platform.noop', '--client', 'a-b', '--param', 'sleepMs:=two'], /--param sleepMs:= must be followed by JSON/],
    [['tasks', 'follow'], /tasks follow takes <taskId>/],
    [['tasks', 'show', 'tsk_1'], /taskId: task id must look like tsk_/],
    [['tasks', 'list', '--status', 'done'], /--status: /],
    [['packets', 'reject', packet], /--reason is required/],
    [['packets', 'reject', packet, '--reason', 'no'], /--reason \(reason\): /],
    [['packets', 'show', 'pkt-1'], /packetId: packet id is pkt- and 24 hex digits/],
    [['clients', 'list', '--url', 'ftp://x'], /--url must be http:\/\/ or https:\/\//],
    [['clients', 'list', '--url', 'http://user:pw@host'], /plain base URL/],
    [['clients', 'list', '--url', 'localhost:3000'], /--url must be http/],
    [['clients', 'list', '--token', 'a', '--token-file', 'b'], /--token or --token-file, not both/],
  ])('refuses %j', (argv, message) => {
    const attempt = () => parseLeafArgs(argv as string[], {});
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });

  it('types task parameters: key=value is a string, key:=json a JSON value', () => {
    expect(parseTaskParams(['periodId=2025', 'n:=2025', 'flag:=true', 'obj:={"a":[1]}', 'empty=', 'eq=a=b'])).toEqual({
      periodId: '2025',
      n: 2025,
      flag: true,
      obj: { a: [1] },
      empty: '',
      eq: 'a=b',
    });
    expect(() => parseTaskParams(['noequals'])).toThrow(/must be key=value or key:=<json>/);
    expect(() => parseTaskParams(['a=1', 'a=2'])).toThrow(/--param a is given twice/);
  });
});
