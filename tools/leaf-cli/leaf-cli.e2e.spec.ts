import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientListSchema,
  defaultServicePorts,
  findingPageSchema,
  packetSummarySchema,
  reconciliationRunSchema,
  taskDetailSchema,
  type ReconciliationRun,
} from '@leaf/contracts';
import { z } from 'zod';

const root = join(__dirname, '../..');
// The seeded stack's ids (LEAF_SEED's default): the README's worked example uses the same ones.
const client = 'northfield-tech';
const period = 'northfield-tech-py2025';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point the way `npm run leaf` / `npm start` do. */
function start(entry: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(root, entry), ...args], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** An offset whose eight service ports are free, away from the other stack specs' ranges (below 29,000). */
async function freePortOffset(): Promise<number> {
  for (let offset = 30_000 + (process.pid % 1_000) * 10; ; offset += 10) {
    if ((await Promise.all(Object.values(defaultServicePorts).map((p) => portFree(p + offset)))).every(Boolean)) return offset;
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * `npm run leaf` as a user runs it, against the one-command stack started once (as a child
 * process, as `npm start` runs it) on a fresh data dir with a small seed. Every call goes through
 * the gateway with a dev-issuer token, as `npm run token -- --data-dir <dir>` mints it.
 */
describe('npm run leaf against the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-cli-e2e-'));
  const workDir = mkdtempSync(join(tmpdir(), 'leaf-cli-work-'));
  let gatewayUrl: string;
  let stack: ChildProcess | undefined;
  let stackLog = '';
  let operator: string;
  let analyst: string;

  /** Runs a tool to its end; the working directory it was typed in is `workDir` (npm passes it as INIT_CWD). */
  const tool = (entry: string, args: string[], env: Record<string, string>): Promise<Outcome> =>
    new Promise((resolve, reject) => {
      const child = start(entry, { INIT_CWD: workDir, ...env }, args);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const leaf = (args: string[], env: Record<string, string> = {}) => tool('tools/leaf-cli/main.ts', args, { LEAF_URL: gatewayUrl, ...env });
  /** `npm run -s token -- --client … --role … --data-dir <the stack's>`, as a user mints one. */
  const token = async (role: string, clients: string) => {
    const minted = await tool('tools/token/main.ts', ['--client', clients, '--role', role, '--subject', `cli-e2e-${role}`, '--data-dir', dataDir], {});
    if (minted.code !== 0) throw new Error(`npm run token failed: ${minted.stderr}`);
    return minted.stdout.trim();
  };
  const as = (t: string) => ({ LEAF_TOKEN: t });

  beforeAll(async () => {
    const offset = await freePortOffset();
    gatewayUrl = `http://127.0.0.1:${defaultServicePorts.gateway + offset}`;
    stack = start('apps/local-stack/src/main.ts', {
      LEAF_DATA_DIR: dataDir,
      LEAF_SEED_CLAIMS: '2000',
      LEAF_PORT_OFFSET: String(offset),
      LOG_LEVEL: 'error',
    });
    // Minted while the stack starts: the key pair is created by whichever comes first, atomically.
    const tokens = Promise.all([token('operator', '*'), token('analyst', client)]);
    // Awaited once the stack is up; until then a failure must not go unhandled.
    tokens.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      stack?.stdout?.on('data', (d: Buffer) => {
        stackLog += d.toString();
        if (stackLog.includes('Leaf is up')) resolve();
      });
      stack?.stderr?.on('data', (d: Buffer) => (stackLog += d.toString()));
      stack?.on('exit', (code) => reject(new Error(`the local stack exited (${code}) before it was up:\n${stackLog.slice(-3000)}`)));
    });
    [operator, analyst] = await tokens;
  }, 150_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      const exited = new Promise((r) => stack?.once('exit', r));
      stack.kill('SIGTERM');
      const timer = setTimeout(() => stack?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  it('lists the clients and their periods: JSON for scripts, a table scoped to the token for people', async () => {
    const tokenFile = join(workDir, 'analyst.token');
    writeFileSync(tokenFile, `${analyst}\n`);
    const [json, table] = await Promise.all([leaf(['clients', 'list', '--json'], as(operator)), leaf(['clients', 'list', '--token-file', 'analyst.token'])]);
    expect([json.code, json.stderr]).toEqual([0, '']);
    const clients = clientListSchema.parse(JSON.parse(json.stdout)).items;
    expect(clients.length).toBeGreaterThanOrEqual(3);
    expect(clients.find((c) => c.clientId === client)?.periods.map((p) => p.periodId)).toEqual([period]);
    expect([table.code, table.stderr]).toEqual([0, '']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLIENT +NAME +SEGMENT +MEMBERS +PERIODS$/);
    // A token for one client sees that client only.
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([client]);
    expect(lines[1]).toContain(`${period} (2025-01-01..2025-12-31)`);
  }, 30_000);

  let run: ReconciliationRun;

  it('starts a reconciliation, waits for it with progress lines, and a repeat with the same key is the same run', async () => {
    const key = 'cli-e2e-start-0001';
    const started = await leaf(['reconcile', 'start', '--client', client, '--period', period, '--idempotency-key', key, '--json'], as(analyst));
    expect(started.code).toBe(0);
    run = reconciliationRunSchema.parse(JSON.parse(started.stdout));
    expect(run).toMatchObject({
      clientId: client,
      periodId: period,
      status: 'succeeded',
      error: null,
    });
    expect(run.artifacts.map((a) => a.name).sort()).toEqual(['findings-evidence.json', 'reconciliation.pdf', 'reconciliation.xlsx', 'run-inputs.json']);
    expect(started.stderr).toContain(`started: run ${run.runId} for ${client} ${period} (Idempotency-Key ${key})`);
    // Not a terminal: plain progress lines (no bar redrawn with carriage returns), ending at 100%.
    expect(started.stderr).toMatch(new RegExp(`^${run.runId} 100% succeeded`, 'm'));
    expect(started.stderr).not.toContain('\r');

    const again = await leaf(['reconcile', 'start', '--client', client, '--period', period, '--idempotency-key', key, '--no-wait', '--json'], as(analyst));
    expect(again.code).toBe(0);
    expect(reconciliationRunSchema.parse(JSON.parse(again.stdout)).runId).toBe(run.runId);
    expect(again.stderr).toContain(`already started: run ${run.runId}`);
  }, 60_000);

  it("downloads the run's artifacts into a folder, each verified against its listed sha256; a second download fetches nothing", async () => {
    const args = ['artifacts', 'download', '--client', client, '--run', run.runId, '--out', 'artifacts', '--json'];
    const first = await leaf(args, as(operator));
    expect([first.code, first.stderr]).toEqual([0, '']);
    const folder = join(workDir, 'artifacts');
    const report = JSON.parse(first.stdout) as {
      folder: string;
      artifacts: Array<{ name: string; status: string; path: string }>;
    };
    expect(report.folder).toBe(folder);
    expect(report.artifacts.map((a) => [a.name, a.status]).sort()).toEqual(run.artifacts.map((a) => [a.name, 'downloaded']).sort());
    for (const listed of run.artifacts) {
      const bytes = readFileSync(join(folder, listed.name));
      expect([listed.name, bytes.length, sha256(bytes)]).toEqual([listed.name, listed.bytes, listed.sha256]);
    }
    expect(readFileSync(join(folder, 'reconciliation.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(readFileSync(join(folder, 'reconciliation.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    const second = await leaf(args, as(operator));
    expect((JSON.parse(second.stdout) as typeof report).artifacts.map((a) => a.status)).toEqual(run.artifacts.map(() => 'unchanged'));
  }, 30_000);

  it('lists every finding as CSV, following nextLink page by page', async () => {
    const [csv, direct] = await Promise.all([
      leaf(['findings', 'list', '--client', client, '--run', run.runId, '--format', 'csv', '--page-size', '1'], as(analyst)),
      fetch(`${gatewayUrl}/v1/clients/${client}/reconciliations/${run.runId}/findings?limit=500`, { headers: { authorization: `Bearer ${analyst}` } }),
    ]);
    expect([csv.code, csv.stderr]).toEqual([0, '']);
    const expected = findingPageSchema.parse(await direct.json()).items;
    // One finding per page: two or more findings prove the CLI followed the links.
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const [header, ...rows] = csv.stdout.split('\r\n').slice(0, -1);
    expect(header).toBe('finding_id,kind,claim_id,guarantee_id,channel,drug_type,impact,claim_count,detail,evidence');
    expect(rows.map((r) => r.split(',')[0])).toEqual(expected.map((f) => f.findingId));
    expect(rows.map((r) => r.split(',')[6])).toEqual(expected.map((f) => f.impact));
  }, 30_000);

  it('creates a task and follows its event stream to the end', async () => {
    const created = await leaf(
      ['tasks', 'create', '--kind', 'platform.noop', '--client', client, '--param', 'sleepMs:=300', '--param', 'note=cli e2e', '--json'],
      as(operator),
    );
    expect(created.code).toBe(0);
    const task = taskDetailSchema.parse(JSON.parse(created.stdout));
    expect(task).toMatchObject({
      kind: 'platform.noop',
      clientId: client,
      status: 'succeeded',
      parameters: { sleepMs: 300, note: 'cli e2e' },
    });
    expect(task.artifacts.map((a) => a.name)).toEqual(['noop.json']);
    // The events as the stream sent them, each once, in order.
    const events = [...created.stderr.matchAll(/^#(\d+) ([a-z-]+) /gm)].map((m) => [Number(m[1]), m[2]]);
    expect(events.map(([, type]) => type)).toEqual(expect.arrayContaining(['created', 'dispatched', 'started', 'succeeded']));
    expect(events.map(([seq]) => seq)).toEqual([...events.map(([seq]) => seq)].sort((a, b) => Number(a) - Number(b)));
    expect(new Set(events.map(([seq]) => seq)).size).toBe(events.length);
  }, 30_000);

  it('lists packets for review, shows the terms read from one, and reports a refused approval', async () => {
    const rejected = await leaf(['packets', 'list', '--status', 'rejected', '--json'], as(operator));
    expect(rejected.code).toBe(0);
    // The seeded stack's one damaged scan is its one rejected packet, with the reason.
    expect(z.object({ items: z.array(packetSummarySchema) }).parse(JSON.parse(rejected.stdout)).items).toEqual([
      expect.objectContaining({
        clientId: client,
        status: 'rejected',
        name: expect.stringContaining('(damaged)'),
        reason: expect.stringMatching(/^unreadable/),
      }),
    ]);
    const packets = await fetch(`${gatewayUrl}/v1/packets?clientId=${client}`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const promoted = z
      .object({ items: z.array(packetSummarySchema) })
      .parse(await packets.json())
      .items.find((p) => p.status === 'promoted');
    expect(promoted).toBeDefined();
    const [shown, approve] = await Promise.all([
      leaf(['packets', 'show', promoted?.packetId ?? ''], as(operator)),
      leaf(['packets', 'approve', promoted?.packetId ?? ''], as(operator)),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`packet ${promoted?.packetId}  promoted  ${client}`);
    expect(shown.stdout).toMatch(/^GUARANTEE +METRIC +CHANNEL/m);
    expect(shown.stdout).toMatch(new RegExp(`^${period}-awp-\\S+ +awp_discount .* (Rates!D\\d+|p\\d+) `, 'm'));
    // Only a packet held for review can be approved: the API's 409, as one line, exit 1.
    expect([approve.code, approve.stdout, approve.stderr]).toEqual([
      1,
      '',
      expect.stringMatching(/^error 409 CONFLICT: packet pkt-[a-f0-9]{24} is promoted; only a packet held for review can be approved\n$/),
    ]);
  }, 30_000);

  it('fails with one line and the documented exit code: no token 3, unknown client 4, bad usage 2, unreachable 5', async () => {
    const closedPort = await freePort();
    const [noToken, unknown, usage, unreachable] = await Promise.all([
      leaf(['clients', 'list']),
      leaf(['reconcile', 'start', '--client', 'no-such-client', '--period', period], as(operator)),
      leaf(['reconcile', 'start', '--client', client], as(operator)),
      leaf(['clients', 'list', '--url', `http://127.0.0.1:${closedPort}`], as(operator)),
    ]);
    expect([noToken.code, noToken.stdout, noToken.stderr]).toEqual([
      3,
      '',
      expect.stringMatching(/^error 401 UNAUTHENTICATED: [^\n]+ \(no token was sent: give --token, --token-file or LEAF_TOKEN\)\n$/),
    ]);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([4, '', expect.stringMatching(/^error 404 NOT_FOUND: [^\n]*client[^\n]*\n$/)]);
    // Usage errors add where to read the usage; nothing was sent.
    expect([usage.code, usage.stdout, usage.stderr]).toEqual([2, '', 'error usage: --period is required\nsee: npm run leaf -- help\n']);
    expect([unreachable.code, unreachable.stdout, unreachable.stderr]).toEqual([
      5,
      '',
      `error network: cannot reach http://127.0.0.1:${closedPort} (ECONNREFUSED)\n`,
    ]);
  }, 30_000);
});
