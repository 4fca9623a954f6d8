import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import { claimsReconcileKind } from '@leaf/task-ledger';
import { startServiceProcess, type ServiceProcess } from '@leaf/testing';
import { ServiceClient } from '../http/service-client';
import { WorkerHarness, realPostgres } from '../testing/worker-harness';
import { ClaimsReconcileExecutor } from './claims-reconcile.executor';

const seed = createSyntheticSeed({ seed: 3, claims: 2_000 });
const client = seed.clients[0]!;
const period = seed.contractPeriods.find((p) => p.clientId === client.clientId)!;

/** The Kubernetes Service in front of the replicas: forwards to whichever one `target` names. */
async function startServiceFront(): Promise<{ url: string; target: string; close(): Promise<void> }> {
  const front = { target: '' };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const name of ['accept', 'content-type', 'idempotency-key', 'x-leaf-identity']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      try {
        const upstream = await fetch(`${front.target}${req.url ?? ''}`, {
          method: req.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
      } catch {
        res
          .writeHead(502, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'no replica answered' }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(front, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/**
 * Item: interrupted work is retried. The real claims-runtime, two replicas as processes behind a
 * front (as a Kubernetes Service), the lane-worker's TaskWorker in this process. The replica
 * executing the run is SIGKILLed mid-run (the run is held at its claims read by a table lock); the
 * other replica fails the run once its lease expires, and the task starts a new run under its next
 * attempt's key and succeeds: one failed run, one succeeded. Real PostgreSQL: several processes.
 */
describe('claims.reconcile when claims-runtime crashes mid-run, on PostgreSQL', () => {
  let ledgerDb: TestDatabase;
  let claimsDb: TestDatabase;
  let h: WorkerHarness;
  let front: Awaited<ReturnType<typeof startServiceFront>>;
  let sql: Client;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    [ledgerDb, claimsDb] = await Promise.all([realPostgres(), realPostgres()]);
    h = await WorkerHarness.open(ledgerDb.url);
    front = await startServiceFront();
    const replica = () =>
      startServiceProcess('claims-runtime', {
        env: {
          LEAF_DATABASE_URL: claimsDb.url,
          LEAF_LAKE_URL: `file:${h.lakeDir}`,
          LOG_LEVEL: 'warn',
          LEAF_RECONCILIATION_LEASE_MS: '1500',
          LEAF_RECONCILIATION_RENEW_MS: '250',
          LEAF_RECONCILIATION_SWEEP_MS: '250',
        },
      }).then((r) => (replicas.push(r), r));
    // The first replica creates the schema (the kit applies the service's migrations); then the data.
    await replica();
    await loadSeedIntoPostgres({ kind: 'postgres', connectionString: claimsDb.url }, seed);
    await replica();
    sql = new Client({ connectionString: claimsDb.url });
    await sql.connect();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await h?.close();
    await front?.close();
    await sql?.end();
    await Promise.all([ledgerDb?.drop(), claimsDb?.drop()]);
  });

  it('starts a new run after the SIGKILL and succeeds with exactly one succeeded run', async () => {
    const [first, second] = replicas;
    front.target = first.base;
    const claims = new ServiceClient({
      baseUrl: front.url,
      service: 'claims-runtime',
      headers: ({ clientId }) => identityHeaders({ subject: 'service:lane-worker', roles: ['analyst'], clientIds: [clientId] }),
    });
    h.startWorker([new ClaimsReconcileExecutor(claims, { pollMs: 50 })], { retryBaseMs: 300 });

    // Hold every run at its first claims read until the replica executing it is dead.
    const lock = new Client({ connectionString: claimsDb.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE claims IN ACCESS EXCLUSIVE MODE');
    const task = await h.create(claimsReconcileKind, client.clientId, { clientId: client.clientId, periodId: period.periodId });
    const deadline = Date.now() + 30_000;
    while (!(await sql.query(`SELECT 1 FROM reconciliation_runs WHERE status = 'running'`)).rowCount) {
      if (Date.now() > deadline) throw new Error('the run never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    front.target = second.base;
    await first.kill('SIGKILL');
    await lock.query('ROLLBACK');
    await lock.end();

    await h.until(task.task_id, ['succeeded'], 60_000);
    const runs: Array<{ run_id: string; status: string; error_code: string | null; idempotency_key: string }> = (
      await sql.query(`SELECT run_id, status, error_code, idempotency_key FROM reconciliation_runs ORDER BY created_at`)
    ).rows;
    expect(runs.map((r) => [r.status, r.error_code, r.idempotency_key])).toEqual([
      ['failed', 'INTERRUPTED', `${task.task_id}.1`],
      ['succeeded', null, `${task.task_id}.2`],
    ]);
    const detail = await h.ledger.detail(task.task_id);
    expect(detail?.result).toMatchObject({ runId: runs[1].run_id, periodId: period.periodId });
    expect(detail?.attempts).toBe(2);
    expect(detail?.artifacts.map((a) => a.name).sort()).toEqual(['findings-evidence.json', 'reconciliation.pdf', 'reconciliation.xlsx', 'run-inputs.json']);
    for (const a of detail?.artifacts ?? []) expect((await h.lake.stat(a.lakeKey))?.sha256).toBe(a.sha256);
    // The first attempt ended on the crash (the killed replica's reply, or the interrupted run).
    const retry = detail?.history.find((e) => e.type === 'retry-scheduled');
    expect(['RECONCILIATION_INTERRUPTED', 'UPSTREAM_UNAVAILABLE']).toContain((retry?.detail as { code?: string } | undefined)?.code);
  }, 120_000);
});
