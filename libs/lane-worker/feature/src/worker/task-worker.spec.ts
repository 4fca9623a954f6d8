import { existsSync } from 'node:fs';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  TaskKindRegistry,
  builtInTaskKinds,
  claimsReconcileKind,
  contractsSyncKind,
  platformNoopKind,
  reportNarrativeKind,
  workerRef,
} from '@leaf/task-ledger';
import { ContractsSyncExecutor } from '../executors/contracts-sync.executor';
import { ClaimsReconcileExecutor } from '../executors/claims-reconcile.executor';
import { noopExecutor } from '../executors/noop.executor';
import { ReportNarrativeExecutor } from '../executors/report-narrative.executor';
import { reconciliationRunSchema } from '@leaf/contracts';
import { ServiceClient } from '../http/service-client';
import { AzureOpenAiClient } from '../narrative/azure-openai.client';
import { startFakeAzureOpenAi, startFakeClaimsRuntime, type FakeClaimsRuntime } from '../testing/fake-claims-runtime';
import { WorkerHarness } from '../testing/worker-harness';
import type { TaskExecutor } from './task-executor';

describe.each(testDatabaseTargets())('lane-worker TaskWorker on $name', ({ create }) => {
  let db: TestDatabase;
  let h: WorkerHarness;
  let claims: FakeClaimsRuntime;
  const workspaces: string[] = [];
  const watchingNoop: TaskExecutor = {
    kind: 'platform.noop',
    run: (ctx) => {
      workspaces.push(ctx.workspace);
      return noopExecutor.run(ctx);
    },
  };

  beforeAll(async () => {
    db = await create();
    h = await WorkerHarness.open(db.url);
    claims = await startFakeClaimsRuntime(h.lake);
    const client = new ServiceClient({ baseUrl: claims.url, service: 'claims-runtime', headers: ({ clientId }) => ({ 'x-leaf-identity': clientId }) });
    h.startWorker([watchingNoop, new ClaimsReconcileExecutor(client, { pollMs: 20 }), new ReportNarrativeExecutor(client, undefined)]);
  });
  afterAll(async () => {
    await h?.close();
    await claims?.close();
    await db?.drop();
  });

  it('runs a task from its wake-up: artifact in the lake, spans and history in the ledger, workspace removed', async () => {
    const task = await h.create(platformNoopKind, 'acme-health', { sleepMs: 0, note: 'hello' });
    await h.until(task.task_id, ['succeeded']);
    const detail = await h.ledger.detail(task.task_id);
    expect(detail?.history.map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'succeeded']);
    expect(detail?.artifacts).toEqual([expect.objectContaining({ name: 'noop.json', attempt: 1, contentType: 'application/json' })]);
    const bytes = await h.lake.read(detail?.artifacts[0].lakeKey ?? '');
    expect(JSON.parse(bytes.toString())).toEqual({ taskId: task.task_id, note: 'hello' });
    expect(detail?.trace).toEqual([expect.objectContaining({ name: 'task platform.noop', status: 'ok', attempt: 1, parentSpanId: null })]);
    expect(workspaces.length).toBeGreaterThan(0);
    expect(workspaces.every((w) => !existsSync(w))).toBe(true);
  });

  it('claims.reconcile: starts one run, follows it to the end and records its workbook and PDF as task artifacts', async () => {
    const task = await h.create(claimsReconcileKind, 'acme-health', { clientId: 'acme-health', periodId: 'acme-health-py2025' });
    await h.until(task.task_id, ['succeeded']);
    const detail = await h.ledger.detail(task.task_id);
    const run = [...claims.runs.values()].find((r) => r.clientId === 'acme-health');
    expect(detail?.result).toMatchObject({ runId: run?.runId, periodId: 'acme-health-py2025' });
    expect(detail?.artifacts.map((a) => [a.name, a.sha256])).toEqual(run?.artifacts.map((a) => [a.name, a.sha256]).sort());
    for (const a of detail?.artifacts ?? []) expect((await h.lake.stat(a.lakeKey))?.sha256).toBe(a.sha256);
    expect(claims.calls.filter((c) => c.method === 'POST')).toEqual([
      expect.objectContaining({ idempotencyKey: `${task.task_id}.1`, identity: 'acme-health' }),
    ]);
    expect(detail?.history.map((e) => e.type)).toEqual(expect.arrayContaining(['progress', 'succeeded']));
    expect(detail?.trace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['claims-runtime start reconciliation', 'claims-runtime await run', 'lake verify artifacts']),
    );
  });

  it('retries an upstream outage with backoff and explains it in the history', async () => {
    claims.failNextStarts.push(503);
    const task = await h.create(claimsReconcileKind, 'beta-union', { clientId: 'beta-union', periodId: 'beta-union-py2025' });
    await h.until(task.task_id, ['succeeded']);
    const detail = await h.ledger.detail(task.task_id);
    expect(detail?.attempts).toBe(2);
    expect(detail?.history.map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'retry-scheduled', 'started', 'progress', 'progress', 'succeeded']);
    expect(detail?.history[3].detail).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  const postsFor = (clientId: string) =>
    claims.calls.filter((c) => c.method === 'POST' && c.path.startsWith(`/v1/clients/${clientId}/`)).map((c) => c.idempotencyKey);
  const runsOf = (clientId: string) => [...claims.runs.values()].filter((r) => r.clientId === clientId);
  const interrupted = { code: 'INTERRUPTED', detail: 'the instance executing the run stopped before it finished (its lease expired); start a new run' };

  it('claims.reconcile: a run interrupted by a crash is started again by the next attempt under its own key; one run succeeds', async () => {
    claims.failNextRuns.push(interrupted);
    const task = await h.create(claimsReconcileKind, 'gamma-co', { clientId: 'gamma-co', periodId: 'gamma-co-py2025' });
    await h.until(task.task_id, ['succeeded']);
    const detail = await h.ledger.detail(task.task_id);
    expect(postsFor('gamma-co')).toEqual([`${task.task_id}.1`, `${task.task_id}.2`]);
    const runs = runsOf('gamma-co');
    expect(runs.map((r) => [r.status, r.error?.code ?? null])).toEqual([
      ['failed', 'INTERRUPTED'],
      ['succeeded', null],
    ]);
    expect(detail?.result).toMatchObject({ runId: runs[1].runId });
    expect(detail?.attempts).toBe(2);
    expect(detail?.history.find((e) => e.type === 'retry-scheduled')?.detail).toMatchObject({ code: 'RECONCILIATION_INTERRUPTED' });
  });

  it('claims.reconcile: a run that failed on its inputs fails the task, with no second run', async () => {
    claims.failNextRuns.push({ code: 'CLAIMS_SOURCE_QUERY_FAILED', detail: 'the claims source rejected the query' });
    const task = await h.create(claimsReconcileKind, 'delta-fund', { clientId: 'delta-fund', periodId: 'delta-fund-py2025' });
    await h.until(task.task_id, ['failed']);
    const detail = await h.ledger.detail(task.task_id);
    expect(detail?.error).toEqual({
      code: 'RECONCILIATION_CLAIMS_SOURCE_QUERY_FAILED',
      detail: expect.stringContaining('the claims source rejected the query'),
    });
    expect(detail?.attempts).toBe(1);
    expect(postsFor('delta-fund')).toEqual([`${task.task_id}.1`]);
  });

  it('claims.reconcile: runs interrupted every time use the attempt budget, one run per attempt, then the task is dead-lettered', async () => {
    claims.failNextRuns.push(interrupted, interrupted, interrupted);
    const task = await h.create(claimsReconcileKind, 'epsilon-plan', { clientId: 'epsilon-plan', periodId: 'epsilon-plan-py2025' });
    await h.until(task.task_id, ['dead-lettered']);
    const detail = await h.ledger.detail(task.task_id);
    expect(postsFor('epsilon-plan')).toEqual([1, 2, 3].map((a) => `${task.task_id}.${a}`));
    expect(runsOf('epsilon-plan').map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(detail?.attempts).toBe(claimsReconcileKind.maxAttempts);
    expect(detail?.error?.code).toBe('RECONCILIATION_INTERRUPTED');
  });

  it('claims.reconcile: an attempt that finds an earlier attempt’s run interrupted starts a new run itself; a retried start finds its run again', async () => {
    const client = new ServiceClient({ baseUrl: claims.url, service: 'claims-runtime' });
    const executor = new ClaimsReconcileExecutor(client, { pollMs: 5 });
    const saved: Array<Record<string, unknown>> = [];
    const ctx = (attempt: number, checkpoint: Record<string, unknown> | null) => ({
      taskId: 'tsk_zeta',
      attempt,
      kind: 'claims.reconcile',
      clientId: 'zeta-care',
      parameters: { clientId: 'zeta-care', periodId: 'zeta-care-py2025' },
      requestedBy: 'spec',
      traceId: 'b'.repeat(32),
      signal: new AbortController().signal,
      workspace: '/nonexistent',
      lake: h.lake,
      checkpoint,
      saveCheckpoint: async (data: Record<string, unknown>) => void saved.push(data),
      progress: async () => undefined,
      span: <T>(_n: string, _a: unknown, work: () => Promise<T>) => work(),
      writeArtifact: async () => {
        throw new Error('not used');
      },
    });
    claims.failNextRuns.push(interrupted);
    // Attempt 1 died after its POST, before it saved the run id: attempt 2 re-sends its key and finds that run.
    const first = await client.call('POST', '/v1/clients/zeta-care/reconciliations', reconciliationRunSchema, {
      body: { periodId: 'zeta-care-py2025' },
      signal: new AbortController().signal,
      scope: { clientId: 'zeta-care' },
      headers: { 'idempotency-key': 'tsk_zeta.1' },
    });
    const outcome = await executor.run(ctx(2, { runKey: 'tsk_zeta.1' }));
    expect(postsFor('zeta-care')).toEqual(['tsk_zeta.1', 'tsk_zeta.1', 'tsk_zeta.2']);
    expect(saved).toEqual([
      { runKey: 'tsk_zeta.1', runId: first.body.runId },
      { runKey: 'tsk_zeta.2' },
      { runKey: 'tsk_zeta.2', runId: outcome.result['runId'] },
    ]);
    expect(runsOf('zeta-care').map((r) => r.status)).toEqual(['failed', 'succeeded']);
  });

  it('cancels a running task within seconds through its abort signal', async () => {
    const task = await h.create(platformNoopKind, 'acme-health', { sleepMs: 30_000, note: '' });
    await h.until(task.task_id, ['running']);
    const asked = Date.now();
    await h.ledger.cancel(task.task_id, 'spec@example.test');
    await h.until(task.task_id, ['cancelled'], 5_000);
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect((await h.ledger.history(task.task_id)).map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'cancel-requested', 'cancelled']);
  });

  it('replays a deterministic task and reports its artifacts byte-identical by hash', async () => {
    const original = await h.create(reportNarrativeKind, 'acme-health', {
      clientId: 'acme-health',
      runId: [...claims.runs.values()].find((r) => r.clientId === 'acme-health' && r.status === 'succeeded')?.runId,
    });
    await h.until(original.task_id, ['succeeded']);
    const replay = await h.create(reportNarrativeKind, 'acme-health', JSON.parse(original.parameters), original.task_id);
    await h.until(replay.task_id, ['succeeded']);
    const detail = await h.ledger.detail(replay.task_id);
    expect(detail?.result).toMatchObject({ path: 'template', replay: { originalTaskId: original.task_id, identical: true, differences: [] } });
    expect(detail?.history.map((e) => e.type)).toContain('replay-compared');
  });

  it('dead-letters a message whose kind no worker knows, and its task with the reason', async () => {
    const task = await h.create({ ...platformNoopKind, kind: 'platform.mystery' }, 'acme-health', {});
    await h.until(task.task_id, ['dead-lettered']);
    expect((await h.ledger.detail(task.task_id))?.error).toEqual({ code: 'POISON_TASK', detail: 'no executor for kind platform.mystery' });
    const dead = await h.bus.peek({ queue: 'agent-tasks' }, { deadLetter: true, maxCount: 10 });
    expect(dead.find((m) => m.messageId === task.task_id)).toMatchObject({ deadLetterReason: 'UnknownKind' });
  });

  it('narrative: a model draft whose numbers all match the figures is used; one with an invented number falls back to the template', async () => {
    const run = [...claims.runs.values()].find((r) => r.status === 'succeeded');
    let draft = 'The guarantees fell short by $1,234.56 across 1,100 eligible claims; total owed is $1,335.00.';
    const model = await startFakeAzureOpenAi(() => draft);
    try {
      const executor = new ReportNarrativeExecutor(
        new ServiceClient({ baseUrl: claims.url, service: 'claims-runtime' }),
        new AzureOpenAiClient({ endpoint: model.url, apiKey: 'spec-key', deployment: 'gpt-4o', apiVersion: '2024-10-21', timeoutMs: 5_000 }),
      );
      const ctx = (runs: string[]) => ({
        taskId: 'tsk_x',
        attempt: 1,
        kind: 'report.narrative',
        clientId: run?.clientId ?? '',
        parameters: { clientId: run?.clientId, runId: run?.runId },
        requestedBy: 'spec',
        traceId: 'a'.repeat(32),
        signal: new AbortController().signal,
        workspace: '/nonexistent',
        lake: h.lake,
        checkpoint: null,
        saveCheckpoint: async () => undefined,
        progress: async (d: Record<string, unknown>) => void runs.push(String(d['narrativePath'])),
        span: <T>(_n: string, _a: unknown, work: () => Promise<T>) => work(),
        writeArtifact: async (name: string, content: Buffer | string, contentType: string) => {
          const o = await h.lake.put('artifacts', content, { contentType });
          return { name, sha256: o.sha256, bytes: o.size, contentType, lakeKey: o.key };
        },
      });
      const used = await executor.run(ctx([]));
      expect(used.result).toMatchObject({ path: 'model', unmatched: [] });
      expect((await h.lake.read(used.artifacts[0].lakeKey)).toString()).toBe(`${draft}\n`);
      draft = 'The guarantees fell short by $1,300.00 across 1,100 eligible claims.';
      const fallback = await executor.run(ctx([]));
      expect(fallback.result).toMatchObject({ path: 'template', unmatched: ['$1,300.00'] });
      expect((await h.lake.read(fallback.artifacts[0].lakeKey)).toString()).toContain('The guarantees fell short by $1,234.56');
      expect(model.keys).toEqual(['spec-key', 'spec-key']);
    } finally {
      await model.close();
    }
  });

  it('contracts.sync: an approved sync asks contract-packets for one round, scoped to the task’s client, and records what it did', async () => {
    const requests: Array<{ body: string; identity?: string }> = [];
    const packets = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ body, identity: req.headers['x-leaf-identity'] as string | undefined });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            sourceId: 'onedrive:contracts',
            clientId: 'acme-health',
            full: false,
            seen: 3,
            unchanged: 2,
            promoted: 1,
            review: 0,
            rejected: 0,
            deleted: 0,
          }),
        );
      });
    });
    await new Promise<void>((r) => packets.listen(0, '127.0.0.1', r));
    try {
      const client = new ServiceClient({
        baseUrl: `http://127.0.0.1:${(packets.address() as AddressInfo).port}`,
        service: 'contract-packets',
        headers: ({ clientId }) => ({ 'x-leaf-identity': clientId }),
      });
      // The other workers know no contracts.sync (they would dead-letter it as unknown): stop them first.
      await Promise.all(h.workers.map((w) => w.drain()));
      const syncWorker = h.startWorker([new ContractsSyncExecutor(client)], { workerId: 'sync-worker' });
      const task = await h.create(contractsSyncKind, 'acme-health', { clientId: 'acme-health' });
      await h.until(task.task_id, ['succeeded']);
      await syncWorker.drain();
      const detail = await h.ledger.detail(task.task_id);
      expect(requests).toEqual([{ body: JSON.stringify({ clientId: 'acme-health' }), identity: 'acme-health' }]);
      expect(detail?.policy).toMatchObject({ decision: 'approved' });
      expect(JSON.parse((await h.lake.read(detail?.artifacts[0].lakeKey ?? '')).toString())).toMatchObject({ promoted: 1, clientId: 'acme-health' });
    } finally {
      await new Promise<void>((r) => packets.close(() => r()));
    }
  });

  it('on shutdown stops taking tasks and releases the one it holds past the grace period; another worker takes it over', async () => {
    await Promise.all(h.workers.map((w) => w.drain()));
    const leaving = h.startWorker([noopExecutor], { workerId: 'leaving-worker', drainMs: 200 });
    const task = await h.create(platformNoopKind, 'acme-health', { sleepMs: 30_000, note: '' });
    await h.until(task.task_id, ['running']);
    const started = Date.now();
    await leaving.drain();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await h.ledger.get(task.task_id))?.status).toBe('dispatched');
    h.startWorker([noopExecutor], { workerId: 'next-worker' });
    await h.until(task.task_id, ['running']);
    await h.ledger.cancel(task.task_id, 'spec@example.test');
    await h.until(task.task_id, ['cancelled']);
    const history = await h.ledger.history(task.task_id);
    expect(history.map((e) => [e.type, e.actor])).toEqual([
      ['created', 'spec@example.test'],
      ['dispatched', 'agent-dispatcher'],
      // Workers appear by their opaque ref, never their host/pod name.
      ['started', workerRef('leaving-worker')],
      ['released', workerRef('leaving-worker')],
      ['started', workerRef('next-worker')],
      ['cancel-requested', 'spec@example.test'],
      ['cancelled', workerRef('next-worker')],
    ]);
    expect((await h.ledger.get(task.task_id))?.releases).toBe(1);
  });

  it('stops an attempt at its kind’s timeout, retries it, and dead-letters the task when the attempts run out', async () => {
    await Promise.all(h.workers.map((w) => w.drain()));
    const quick = { ...platformNoopKind, timeoutMs: 150, maxAttempts: 2 };
    h.startWorker([noopExecutor], { workerId: 'timeout-worker' }, new TaskKindRegistry([...builtInTaskKinds.filter((k) => k.kind !== quick.kind), quick]));
    const task = await h.create(quick, 'acme-health', { sleepMs: 5_000, note: '' });
    await h.until(task.task_id, ['dead-lettered'], 10_000);
    const detail = await h.ledger.detail(task.task_id);
    expect(detail?.error).toEqual({ code: 'TASK_TIMEOUT', detail: 'MaxAttemptsExceeded: the task ran past its timeout' });
    expect(detail?.history.map((e) => e.type)).toEqual(['created', 'dispatched', 'started', 'retry-scheduled', 'started', 'dead-lettered']);
    const dead = await h.bus.peek({ queue: 'agent-tasks' }, { deadLetter: true, maxCount: 50 });
    expect(dead.find((m) => m.correlationId === task.task_id)).toMatchObject({ deadLetterReason: 'MaxAttemptsExceeded' });
  });
});
