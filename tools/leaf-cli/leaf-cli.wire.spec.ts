import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientListSchema, findingSchema, reconciliationRunSchema, taskDetailSchema, type ReconciliationRun, type TaskDetail } from '@leaf/contracts';
import { runLeafCli } from './leaf-cli';

/**
 * What the real gateway cannot be made to do on purpose — corrupt a download, cut an event
 * stream, rate-limit, point a link elsewhere, answer off contract — played by a local HTTP
 * server speaking the gateway's wire format (its fixtures are checked against the contract
 * schemas), with the CLI run in-process.
 */
const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ3aXJlIn0.c2lnbmF0dXJlLXdpcmU';
const client = 'acme-health';
const at = '2025-06-01T10:00:00.000Z';
const pdf = Buffer.from('%PDF-1.7 the report');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const runOf = (runId: string, patch: Partial<ReconciliationRun> = {}): ReconciliationRun =>
  reconciliationRunSchema.parse({
    runId,
    clientId: client,
    periodId: `${client}-py2025`,
    status: 'succeeded',
    progress: 1,
    stage: 'done',
    requestedBy: 'ana',
    createdAt: at,
    completedAt: at,
    error: null,
    inputsSha256: null,
    summary: null,
    buckets: [],
    artifacts: [
      {
        name: 'reconciliation.pdf',
        sha256: sha(pdf),
        bytes: pdf.length,
        contentType: 'application/pdf',
        href: `/v1/clients/${client}/reconciliations/${runId}/artifacts/reconciliation.pdf`,
      },
      {
        name: 'run-inputs.json',
        sha256: sha('{}'),
        bytes: 2,
        contentType: 'application/json',
        href: `/v1/clients/${client}/reconciliations/${runId}/artifacts/run-inputs.json`,
      },
    ],
    supersededBy: null,
    ...patch,
  });

const good = 'rec_good0000000000000000000000';
const corrupt = 'rec_corrupt0000000000000000000';
const failing = 'rec_failing0000000000000000000';
const taskId = 'tsk_wire0000000000000000000000';
const task: TaskDetail = taskDetailSchema.parse({
  taskId,
  kind: 'platform.noop',
  clientId: client,
  status: 'succeeded',
  lane: 'short',
  attempts: 1,
  requestedBy: 'ana',
  createdAt: at,
  updatedAt: at,
  finishedAt: at,
  parameters: {},
  policy: {
    decision: 'allowed',
    reason: 'platform.noop does not mutate',
    approvedBy: null,
    approvedAt: null,
  },
  maxAttempts: 5,
  lease: { owner: null, expiresAt: null, heartbeatAt: null },
  cancelRequested: false,
  blockers: [],
  traceId: 'a'.repeat(32),
  trace: [],
  artifacts: [],
  result: { sleptMs: 0 },
  error: null,
  replayOf: null,
  history: [],
});
const finding = findingSchema.parse({
  findingId: 'uc:c1',
  kind: 'paid_above_uc',
  claimId: 'c1',
  guaranteeId: null,
  channel: 'retail30',
  drugType: 'generic',
  impact: '1.25',
  detail: 'paid above U&C',
  claimCount: 1,
  evidence: [],
});
const historyEvent = (seq: number, type: string, status: string) =>
  `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ seq, type, status, attempt: 1, actor: 'wkr_1', at, detail: { n: seq } })}\n\n`;

const problem = (res: ServerResponse, status: number, code: string, detail: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({
      type: `https://leaf.dev/problems/${code.toLowerCase()}`,
      title: code,
      status,
      detail,
      instance: 'urn:leaf:request:wire',
      code,
    }),
  );
};
const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('leaf CLI on the wire', () => {
  let server: Server;
  let base: string;
  const seen: Array<{
    method: string;
    url: string;
    authorization?: string;
    key?: string;
    lastEventId?: string;
  }> = [];
  const counts = new Map<string, number>();
  const dir = mkdtempSync(join(tmpdir(), 'leaf-cli-wire-'));

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const n = (counts.get(`${req.method} ${url}`) ?? 0) + 1;
    counts.set(`${req.method} ${url}`, n);
    seen.push({
      method: req.method ?? '',
      url,
      authorization: req.headers.authorization,
      key: req.headers['idempotency-key'] as string,
      lastEventId: req.headers['last-event-id'] as string,
    });
    const runs = `/v1/clients/${client}/reconciliations`;
    if (url === '/v1/clients') {
      if (n === 1) {
        res.writeHead(429, {
          'retry-after': '2',
          'content-type': 'application/problem+json',
        });
        return void res.end('{}');
      }
      return json(
        res,
        clientListSchema.parse({
          items: [
            {
              clientId: client,
              name: 'Acme Health',
              segment: 'employer',
              memberCount: 10,
              periods: [],
            },
          ],
        }),
      );
    }
    if (url === `${runs}/${good}`) return json(res, runOf(good));
    if (url === `${runs}/${corrupt}`) return json(res, runOf(corrupt));
    if (url === `${runs}/${good}/artifacts/reconciliation.pdf`) return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    if (url === `${runs}/${corrupt}/artifacts/reconciliation.pdf`)
      return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from('%PDF-1.7 the report, altered'));
    if (url.endsWith('/artifacts/run-inputs.json')) return problem(res, 403, 'FORBIDDEN', "run-inputs.json records the run's queries; it is for operators");
    if (url === `${runs}/${failing}`) {
      return json(
        res,
        runOf(
          failing,
          n < 3
            ? {
                status: 'running',
                progress: 0.4 * n,
                stage: 'aggregating',
                completedAt: null,
                artifacts: [],
              }
            : {
                status: 'failed',
                stage: 'aggregating',
                progress: 0.8,
                artifacts: [],
                error: {
                  code: 'SOURCE_UNAVAILABLE',
                  detail: 'the claims source did not answer',
                },
              },
        ),
      );
    }
    if (url === runs && req.method === 'POST') return void req.socket.destroy();
    if (url.startsWith(`${runs}/${good}/findings`))
      return json(res, {
        items: [finding],
        nextCursor: 'x',
        nextLink: 'https://elsewhere.example/v1/clients/acme-health/reconciliations/x/findings',
      });
    if (url === `/v1/tasks/${taskId}/events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // The first connection breaks after two events; the second must resume after the second.
      if (n === 1) {
        res.write(historyEvent(1, 'created', 'queued') + historyEvent(2, 'started', 'running'));
        return void setTimeout(() => req.socket.destroy(), 50);
      }
      return void res.end(`${historyEvent(3, 'succeeded', 'succeeded')}event: end\ndata: ${JSON.stringify({ taskId, status: 'succeeded' })}\n\n`);
    }
    if (url === `/v1/tasks/${taskId}`) return json(res, task);
    if (url.startsWith('/v1/packets'))
      return json(res, {
        items: [{ packetId: 'pkt-1', status: 'promoted' }],
        nextCursor: null,
        nextLink: null,
      });
    // A page whose nextLink is itself: followed naively, a list that never ends.
    if (url === '/v1/tasks?limit=50&status=queued') return json(res, { items: [task], nextCursor: '1', nextLink: url });
    if (url.startsWith('/v1/tasks?')) return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway from a proxy</body></html>');
    if (url === '/v1/tasks/tsk_echo0000000000000000000000') return problem(res, 400, 'BAD_REQUEST', `could not use ${req.headers.authorization}`);
    if (url === '/v1/tasks/tsk_moved000000000000000000000') return void res.writeHead(302, { location: 'https://elsewhere.example/v1/x' }).end();
    problem(res, 404, 'NOT_FOUND', 'no such route in the wire spec');
  }

  beforeAll(async () => {
    server = createServer(route);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI as main.ts does, stdout and stderr captured, every back-off recorded instead of slept. */
  async function leaf(args: string[]) {
    let stdout = '';
    let stderr = '';
    const sleeps: number[] = [];
    const code = await runLeafCli([...args, '--url', base], {
      env: { LEAF_TOKEN: token, INIT_CWD: dir },
      io: {
        out: (t) => (stdout += t),
        err: (t) => (stderr += t),
        errIsTty: false,
      },
      sleep: async (ms) => void sleeps.push(ms),
      pollMs: 10,
    });
    return { code, stdout, stderr, sleeps };
  }
  const requestsTo = (path: string) => seen.filter((s) => s.url === path);

  it('keeps a download only when its size and sha256 are the listed ones, and leaves no partial file', async () => {
    const ok = await leaf(['artifacts', 'download', '--client', client, '--run', good, '--out', 'good']);
    // An artifact the token may not read is skipped when everything was asked for …
    expect([ok.code, ok.stderr]).toEqual([0, "skipped run-inputs.json: 403 FORBIDDEN: run-inputs.json records the run's queries; it is for operators\n"]);
    expect(readdirSync(join(dir, 'good'))).toEqual(['reconciliation.pdf']);
    // … and fails the command when it was asked for by name.
    const named = await leaf(['artifacts', 'download', '--client', client, '--run', good, '--out', 'good', '--name', 'run-inputs.json']);
    expect([named.code, named.stderr]).toEqual([3, "error 403 FORBIDDEN: run-inputs.json records the run's queries; it is for operators\n"]);

    const bad = await leaf(['artifacts', 'download', '--client', client, '--run', corrupt, '--out', 'corrupt', '--name', 'reconciliation.pdf']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      new RegExp(
        `^error SHA256_MISMATCH: reconciliation\\.pdf: received 28 bytes with sha256 [a-f0-9]{64}, the run lists 19 bytes with ${sha(pdf)}; nothing kept\\n$`,
      ),
    );
    expect(readdirSync(join(dir, 'corrupt'))).toEqual([]);
    expect(existsSync(join(dir, 'corrupt', 'reconciliation.pdf.partial'))).toBe(false);
  });

  it('reports a failed run with its error after its progress, and exits 1', async () => {
    const out = await leaf(['reconcile', 'wait', '--client', client, '--run', failing]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      [
        `${failing}  40% running aggregating`,
        `${failing}  80% running aggregating`,
        `${failing}  80% failed aggregating`,
        `error RUN_FAILED: run ${failing} SOURCE_UNAVAILABLE: the claims source did not answer`,
        '',
      ].join('\n'),
    );
    expect(out.stdout).toContain(`run ${failing}  failed`);
    expect(out.sleeps).toEqual([10, 10]);
  });

  it('follows a task over a broken event stream: reconnects with Last-Event-ID and shows each event once', async () => {
    const out = await leaf(['tasks', 'follow', taskId]);
    expect(out.code).toBe(0);
    expect(out.stderr.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '#1 created (queued, attempt 1, wkr_1) n=1',
      '#2 started (running, attempt 1, wkr_1) n=2',
      '#3 succeeded (succeeded, attempt 1, wkr_1) n=3',
    ]);
    expect(requestsTo(`/v1/tasks/${taskId}/events`).map((r) => r.lastEventId)).toEqual([undefined, '2']);
    expect(out.stdout).toContain(`task ${taskId}  succeeded  platform.noop`);
  });

  it('waits out a 429 for as long as Retry-After says, then answers', async () => {
    const out = await leaf(['clients', 'list', '--json']);
    expect([out.code, out.sleeps]).toEqual([0, [2000]]);
    expect(clientListSchema.parse(JSON.parse(out.stdout)).items[0].clientId).toBe(client);
    expect(requestsTo('/v1/clients')).toHaveLength(2);
  });

  it('repeats a start that got no answer under the same Idempotency-Key, then says how to repeat it', async () => {
    const out = await leaf(['reconcile', 'start', '--client', client, '--period', `${client}-py2025`]);
    expect(out.code).toBe(5);
    const posts = seen.filter((s) => s.method === 'POST');
    expect(posts).toHaveLength(3);
    const key = posts[0].key;
    expect(key).toMatch(/^leaf-cli-[0-9a-f-]{36}$/);
    expect(posts.map((p) => p.key)).toEqual([key, key, key]);
    expect(out.sleeps).toEqual([500, 1000]);
    expect(out.stderr).toBe(
      `the start may have arrived: repeat it with --idempotency-key ${key} to get that run rather than a second one\nerror network: cannot reach ${base} (the connection closed before an answer)\n`,
    );
  });

  it('never sends the token off the base URL: a nextLink or redirect elsewhere is refused', async () => {
    const before = seen.length;
    const link = await leaf(['findings', 'list', '--client', client, '--run', good]);
    expect([link.code, link.stderr]).toEqual([
      1,
      'error INVALID_ANSWER: refusing to follow "https://elsewhere.example/v1/clients/acme-health/reconciliations/x/findings": not an API path\n',
    ]);
    const moved = await leaf(['tasks', 'show', 'tsk_moved000000000000000000000']);
    expect([moved.code, moved.stderr]).toEqual([
      1,
      'error 302 REDIRECT: the gateway redirects (https://elsewhere.example/v1/x); use the final address as --url\n',
    ]);
    // Every request of those two reached this server, with the token, and nothing else did.
    expect(seen.slice(before).map((s) => [s.url.split('?')[0], s.authorization])).toEqual([
      [`/v1/clients/${client}/reconciliations/${good}/findings`, `Bearer ${token}`],
      ['/v1/tasks/tsk_moved000000000000000000000', `Bearer ${token}`],
    ]);
  });

  it('turns answers off contract, pages that are not problem+json and echoed tokens into one clean line', async () => {
    const offContract = await leaf(['packets', 'list']);
    expect([offContract.code, offContract.stderr]).toEqual([
      1,
      'error INVALID_ANSWER: GET /v1/packets answered 200 off its contract (items.0.packetId: packet id is pkt- and 24 hex digits)\n',
    ]);
    const loop = await leaf(['tasks', 'list', '--status', 'queued']);
    expect([loop.code, loop.stderr]).toEqual([1, 'error INVALID_ANSWER: paging came back to /v1/tasks\n']);
    expect(requestsTo('/v1/tasks?limit=50&status=queued')).toHaveLength(1);
    const proxy = await leaf(['tasks', 'list']);
    expect([proxy.code, proxy.stderr]).toEqual([1, 'error 502 HTTP_502: Bad Gateway\n']);
    const echo = await leaf(['tasks', 'show', 'tsk_echo0000000000000000000000']);
    expect([echo.code, echo.stderr]).toEqual([1, 'error 400 BAD_REQUEST: could not use Bearer [token]\n']);
  });
});
