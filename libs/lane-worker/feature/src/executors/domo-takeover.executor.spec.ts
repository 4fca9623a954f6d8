import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceClient } from '../http/service-client';
import type { TaskContext } from '../worker/task-executor';
import { DomoCompareExecutor, DomoIngestExecutor } from './domo-takeover.executor';

/** domo-takeover's run routes as the executors see them: what was asked, and the contract's answer. */
describe('Domo takeover executors', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; scope?: string; key?: string }> = [];
  const ingestAnswer = {
    exports: [
      {
        exportId: `dex-${'a'.repeat(24)}`,
        dataset: 'claims_extract',
        status: 'blocked',
        replayed: false,
        rows: 10,
        silverRows: 10,
        reason: null,
        failedGates: ['claim_id.unique'],
      },
      {
        exportId: `dex-${'b'.repeat(24)}`,
        dataset: 'savings_by_client_month',
        status: 'promoted',
        replayed: false,
        rows: 4,
        silverRows: 4,
        reason: null,
        failedGates: [],
      },
    ],
  };
  const reasons = ['missing_in_domo', 'missing_in_backend', 'rounding', 'definition_change', 'timing', 'unexplained'];
  const comparison = {
    comparisonId: `dcm-${'c'.repeat(24)}`,
    dataset: 'savings_by_client_month',
    exportId: `dex-${'b'.repeat(24)}`,
    model: 'savings_by_client_month@v1',
    createdAt: '2026-12-03T15:00:00.000Z',
    summary: {
      keysCompared: 4,
      keysMatched: 3,
      differences: 2,
      material: 1,
      byReason: Object.fromEntries(reasons.map((r) => [r, { count: r === 'timing' ? 2 : 0, material: r === 'timing' ? 1 : 0, absDelta: 0 }])),
    },
    packet: { jsonSha256: 'd'.repeat(64), xlsxSha256: 'e'.repeat(64), pdfSha256: null },
    signOff: null,
  };
  let answers: Record<string, { status: number; body: unknown }> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          scope: req.headers['x-test-scope'] as string | undefined,
          key: req.headers['idempotency-key'] as string | undefined,
        });
        const answer = answers[req.url ?? ''] ?? { status: 404, body: { status: 404 } };
        res.writeHead(answer.status, { 'content-type': answer.status < 400 ? 'application/json' : 'application/problem+json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    answers = { '/v1/domo/ingest': { status: 200, body: ingestAnswer }, '/v1/domo/comparisons': { status: 201, body: comparison } };
  });

  const context = () => {
    const artifacts: Array<{ name: string; content: string }> = [];
    const progress: unknown[] = [];
    const ctx = {
      taskId: 'tsk_domo',
      attempt: 1,
      clientId: 'acme-health',
      parameters: {},
      signal: new AbortController().signal,
      progress: async (p: unknown) => void progress.push(p),
      span: (_n: string, _a: unknown, work: () => Promise<unknown>) => work(),
      writeArtifact: async (name: string, content: string) => {
        artifacts.push({ name, content });
        return { name, sha256: 'x', size: content.length, contentType: 'application/json' };
      },
    } as unknown as TaskContext;
    return { ctx, artifacts, progress };
  };
  const client = () => new ServiceClient({ baseUrl: base, service: 'domo-takeover', headers: ({ clientId }) => ({ 'x-test-scope': clientId }) });

  it('domo.ingest asks for one round under the task id as Idempotency-Key and records it', async () => {
    const { ctx, artifacts, progress } = context();
    const outcome = await new DomoIngestExecutor(client()).run(ctx);
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/domo/ingest', scope: 'acme-health', key: 'tsk_domo' });
    expect(outcome.result).toEqual({ exports: ['claims_extract:blocked', 'savings_by_client_month:promoted'] });
    expect(progress).toEqual([{ step: 'ingesting' }, { step: 'ingested', exports: ['claims_extract:blocked', 'savings_by_client_month:promoted'] }]);
    expect(artifacts.map((a) => [a.name, JSON.parse(a.content)])).toEqual([['ingest-result.json', ingestAnswer]]);
  });

  it('domo.compare records the comparison and its counts', async () => {
    const { ctx, artifacts } = context();
    const outcome = await new DomoCompareExecutor(client()).run(ctx);
    expect(outcome.result).toEqual({ comparisonId: comparison.comparisonId, differences: 2, material: 1, unexplained: 0 });
    expect(artifacts[0]?.name).toBe('comparison.json');
  });

  it('fails the task on an answer that breaks the contract, and on a refusal', async () => {
    answers['/v1/domo/comparisons'] = { status: 201, body: { comparisonId: 'nope' } };
    await expect(new DomoCompareExecutor(client()).run(context().ctx)).rejects.toThrow();
    answers['/v1/domo/ingest'] = { status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, code: 'CONFLICT' } };
    await expect(new DomoIngestExecutor(client()).run(context().ctx)).rejects.toThrow();
  });
});
