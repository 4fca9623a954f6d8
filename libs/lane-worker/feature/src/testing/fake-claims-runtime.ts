import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReconciliationRun, RunArtifact } from '@leaf/contracts';
import type { Lake } from '@leaf/storage';

export interface FakeClaimsRuntime {
  url: string;
  /** Requests as received (method, path, idempotency key). */
  calls: Array<{ method: string; path: string; idempotencyKey?: string; identity?: string }>;
  /** Answer the next POSTs with this status first (e.g. [503] = one outage). */
  failNextStarts: number[];
  /** GETs a run answers `running` before it ends. */
  pollsBeforeDone: number;
  /** How the next new runs end instead of succeeding, in order (e.g. `{ code: 'INTERRUPTED', ... }`). */
  failNextRuns: Array<{ code: string; detail: string }>;
  runs: Map<string, ReconciliationRun>;
  close(): Promise<void>;
}

const runId = (n: number) => `rec_${String(n).padStart(26, '0')}`;

/**
 * claims-runtime's reconciliation routes, speaking `reconciliation.api.ts`: POST starts a run
 * (202), GET reports it; the run's workbook and PDF are written into the shared lake as
 * claims-runtime does (area `artifacts`), so their hashes are real.
 */
export async function startFakeClaimsRuntime(lake: Lake): Promise<FakeClaimsRuntime> {
  const state: Omit<FakeClaimsRuntime, 'url' | 'close'> = { calls: [], failNextStarts: [], pollsBeforeDone: 1, failNextRuns: [], runs: new Map() };
  const polls = new Map<string, number>();
  // As claims-runtime: one run per client and Idempotency-Key; a run's planned failure, if any.
  const byKey = new Map<string, string>();
  const endings = new Map<string, { code: string; detail: string }>();
  let n = 0;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? '';
    state.calls.push({
      method: req.method ?? '',
      path,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      identity: req.headers['x-leaf-identity'] as string | undefined,
    });
    const start = path.match(/^\/v1\/clients\/([^/]+)\/reconciliations$/);
    const get = path.match(/^\/v1\/clients\/([^/]+)\/reconciliations\/([^/]+)$/);
    if (req.method === 'POST' && start) {
      const failure = state.failNextStarts.shift();
      if (failure) return send(res, failure, { type: 'about:blank', title: 'Unavailable', status: failure, detail: 'try later', code: 'UPSTREAM_UNAVAILABLE' });
      const { periodId } = JSON.parse(raw) as { periodId: string };
      const key = req.headers['idempotency-key'] as string | undefined;
      const repeated = key ? state.runs.get(byKey.get(`${start[1]} ${key}`) ?? '') : undefined;
      if (repeated) return send(res, 202, repeated);
      const id = runId(++n);
      if (key) byKey.set(`${start[1]} ${key}`, id);
      const ending = state.failNextRuns.shift();
      if (ending) endings.set(id, ending);
      const run: ReconciliationRun = {
        runId: id,
        clientId: start[1],
        periodId,
        status: 'queued',
        progress: 0,
        stage: 'queued',
        requestedBy: 'service:lane-worker',
        createdAt: new Date().toISOString(),
        completedAt: null,
        error: null,
        inputsSha256: null,
        summary: null,
        buckets: [],
        bucketGroups: [],
        artifacts: [],
        supersededBy: null,
      };
      state.runs.set(id, run);
      return send(res, 202, run);
    }
    if (req.method === 'GET' && get) {
      const run = state.runs.get(get[2]);
      if (!run || run.clientId !== get[1])
        return send(res, 404, { type: 'about:blank', title: 'Not found', status: 404, detail: 'no such run', code: 'NOT_FOUND' });
      const seen = (polls.get(run.runId) ?? 0) + 1;
      polls.set(run.runId, seen);
      if (seen <= state.pollsBeforeDone) return send(res, 200, { ...run, status: 'running', stage: 'computing buckets', progress: 0.5 });
      const ending = endings.get(run.runId);
      if (ending) {
        Object.assign(run, {
          status: 'failed',
          stage: 'failed',
          completedAt: run.completedAt ?? new Date().toISOString(),
          error: ending,
        } satisfies Partial<ReconciliationRun>);
      } else if (run.status !== 'succeeded') {
        const artifacts: RunArtifact[] = [];
        for (const [name, contentType, body] of [
          ['reconciliation.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `workbook of ${run.clientId} ${run.periodId}`],
          ['reconciliation.pdf', 'application/pdf', `%PDF-1.7 report of ${run.clientId} ${run.periodId}`],
        ] as const) {
          const o = await lake.put('artifacts', body, { contentType });
          artifacts.push({
            name,
            sha256: o.sha256,
            bytes: o.size,
            contentType,
            href: `/v1/clients/${run.clientId}/reconciliations/${run.runId}/artifacts/${name}`,
          });
        }
        Object.assign(run, {
          status: 'succeeded',
          progress: 1,
          stage: 'done',
          completedAt: new Date().toISOString(),
          inputsSha256: 'c'.repeat(64),
          summary: {
            claimCount: 1200,
            eligibleClaimCount: 1100,
            excludedClaimCount: 100,
            totalAwp: '250000.00',
            totalIngredientCostPaid: '200000.00',
            eligibleAwp: '240000.00',
            eligibleIngredientCostPaid: '192000.00',
            guaranteeShortfall: '1234.56',
            auditImpact: '100.44',
            totalOwed: '1335.00',
            findingTotals: [],
            findingOverlap: { deducted: '0.00', kept: '0.00' },
          },
          buckets: [
            {
              guaranteeId: 'g-1',
              guaranteeVersion: 1,
              effectiveFrom: null,
              effectiveTo: null,
              metric: 'awp_discount',
              channel: 'retail30',
              drugType: 'generic',
              claimCount: 800,
              awp: '100000.00',
              ingredientCostPaid: '20000.00',
              dispensingFeePaid: '800.00',
              guaranteedValue: '0.82',
              effectiveValue: '0.8',
              variance: '1234.56',
              shortfall: '1234.56',
              evidence: { sourceSystem: 'contract-packet', objectId: 'packet-1', sha256: 'd'.repeat(64), locator: 'Rates!C7' },
              note: null,
              moved: null,
            },
          ],
          artifacts,
        } satisfies Partial<ReconciliationRun>);
      }
      return send(res, 200, run);
    }
    send(res, 404, { type: 'about:blank', title: 'Not found', status: 404, detail: 'no route', code: 'NOT_FOUND' });
  };
  const server: Server = createServer((req, res) => void handle(req, res).catch((e: unknown) => send(res, 500, { detail: String(e) })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Azure OpenAI's chat completions route answering a fixed draft (and recording that the key arrived). */
export async function startFakeAzureOpenAi(draft: () => string): Promise<{ url: string; keys: string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const server = createServer((req, res) => {
    keys.push(String(req.headers['api-key'] ?? ''));
    req.resume();
    req.on('end', () => {
      if (!/^\/openai\/deployments\/[^/]+\/chat\/completions\?api-version=/.test(req.url ?? '')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: draft() } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, keys, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
