import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { canonicalClaimsMapping } from '@leaf/claims-runtime/data-access';
import type { ReconciliationRun } from '@leaf/contracts';
import { createPostgresTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { startServiceProcess, type ServiceProcess } from '@leaf/testing';
import { createSeededDatabase } from '../testing/claims-runtime.fixture';

const seed = createSyntheticSeed({ seed: 7, claims: 2_000 });
const client = seed.clients[0]!;
const period = seed.contractPeriods.find((p) => p.clientId === client.clientId)!;
const operator = identityHeaders({
  subject: 'ops',
  roles: ['operator'],
  clientIds: '*',
});
const leaseMs = 1_500;
const sweptMessage = 'failed reconciliation runs whose lease expired (their instance stopped)';

interface RunRow {
  status: string;
  error_code: string | null;
  owner_id: string | null;
  lease_expires_at: Date | null;
  completed_at: Date | null;
  findings: number;
}

/**
 * Three claims-runtime replicas on one PostgreSQL database, as in production. A run is held
 * mid-flight by an exclusive lock on the claims table its mapping names (a copy per run), so the
 * spec decides when each run may go on. One replica is SIGKILLed, one stalled (SIGSTOP) past its
 * lease and resumed; the survivor's runs are untouched and each dead run is failed exactly once,
 * only after its lease expired. Real processes on real PostgreSQL: PGlite lives in one process.
 */
describe('claims-runtime run ownership across replicas on PostgreSQL', () => {
  let db: TestDatabase;
  let sql: Client;
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-claims-chaos-lake-'));
  const replicas: ServiceProcess[] = [];
  const holds: Client[] = [];

  beforeAll(async () => {
    db = await createSeededDatabase(
      () => createPostgresTestDatabase(process.env['TEST_DATABASE_URL']?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres'),
      seed,
    );
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    for (const name of ['hold_a', 'hold_b', 'hold_c']) await sql.query(`CREATE TABLE claims_${name} AS TABLE claims`);
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) r.signal('SIGCONT');
    await Promise.all(replicas.map((r) => r.kill()));
    await Promise.all(holds.map((h) => h.end().catch(() => undefined)));
    await sql?.end();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  const replica = async () => {
    const r = await startServiceProcess('claims-runtime', {
      env: {
        LEAF_DATABASE_URL: db.url,
        LEAF_LAKE_URL: `file:${lakeDir}`,
        LOG_LEVEL: 'info',
        LEAF_RECONCILIATION_LEASE_MS: String(leaseMs),
        LEAF_RECONCILIATION_RENEW_MS: '250',
        LEAF_RECONCILIATION_SWEEP_MS: '250',
      },
    });
    replicas.push(r);
    return r;
  };
  /** Holds the claims copy `table` exclusively until released: a run reading it waits. */
  const hold = async (table: string) => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    holds.push(c);
    await c.query('BEGIN');
    await c.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return () => c.query('ROLLBACK');
  };
  const start = async (r: ServiceProcess, table?: string) => {
    const res = await fetch(`${r.base}/v1/clients/${client.clientId}/reconciliations`, {
      method: 'POST',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({
        periodId: period.periodId,
        ...(table ? { sourceMapping: { ...canonicalClaimsMapping, table } } : {}),
      }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as ReconciliationRun).runId;
  };
  const row = async (runId: string): Promise<RunRow> =>
    (
      await sql.query(
        `SELECT status, error_code, owner_id, lease_expires_at, completed_at,
                (SELECT COUNT(*) FROM reconciliation_findings f WHERE f.run_id = r.run_id)::int AS findings
           FROM reconciliation_runs r WHERE run_id = $1`,
        [runId],
      )
    ).rows[0] as RunRow;
  const until = async (runId: string, check: (r: RunRow) => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await row(runId);
      if (check(r)) return r;
      if (Date.now() > deadline) throw new Error(`run ${runId} is ${JSON.stringify(r)}, not ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const sweptBy = (r: ServiceProcess, runId: string) => r.logs().filter((l) => l['msg'] === sweptMessage && (l['runIds'] as string[]).includes(runId)).length;

  it('fails only the runs of a killed or stalled replica, once each and only after their lease expired; the survivor’s runs are untouched', async () => {
    const [releaseA, releaseC, releaseB] = [await hold('claims_hold_a'), await hold('claims_hold_c'), await hold('claims_hold_b')];
    const [a, c] = await Promise.all([replica(), replica()]);
    const runA = await start(a, 'claims_hold_a');
    const runC = await start(c, 'claims_hold_c');
    const running = (r: RunRow) => r.status === 'running';
    const ownerA = (await until(runA, running, 'running')).owner_id;
    const ownerC = (await until(runC, running, 'running')).owner_id;
    expect(ownerA).toMatch(/^inst_/);
    expect(new Set([ownerA, ownerC]).size).toBe(2);

    // A replica starting while others execute runs fails none of them (their leases are live).
    const b = await replica();
    const quick = await start(b, undefined);
    const runB = await start(b, 'claims_hold_b');
    const quickDone = await until(quick, (r) => r.status === 'succeeded', 'succeeded');
    // Several lease lengths pass: the owners renew, every sweeper leaves live runs alone.
    await new Promise((resolve) => setTimeout(resolve, 2 * leaseMs));
    for (const [runId, owner] of [
      [runA, ownerA],
      [runC, ownerC],
      [runB, (await row(runB)).owner_id],
    ] as const)
      expect(await row(runId)).toMatchObject({
        status: 'running',
        owner_id: owner,
        error_code: null,
      });
    expect([a, b, c].flatMap((r) => r.logs().filter((l) => l['msg'] === sweptMessage))).toEqual([]);

    // A crashes; C stalls (a frozen event loop, a paused VM) past its lease.
    const leaseOfA = (await row(runA)).lease_expires_at!;
    await a.kill('SIGKILL');
    c.signal('SIGSTOP');
    const leaseOfC = (await row(runC)).lease_expires_at!;
    expect((await row(runA)).status).toBe('running');
    const failedA = await until(runA, (r) => r.status === 'failed', 'failed');
    const failedC = await until(runC, (r) => r.status === 'failed', 'failed');
    expect(failedA).toMatchObject({
      error_code: 'INTERRUPTED',
      owner_id: ownerA,
      findings: 0,
    });
    expect(failedC).toMatchObject({
      error_code: 'INTERRUPTED',
      owner_id: ownerC,
      findings: 0,
    });
    expect(failedA.completed_at!.getTime()).toBeGreaterThanOrEqual(leaseOfA.getTime());
    expect(failedC.completed_at!.getTime()).toBeGreaterThanOrEqual(leaseOfC.getTime());

    // C resumes and its run's query returns: it finds the run is no longer its own and stops.
    await releaseA();
    await releaseC();
    c.signal('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterC = await row(runC);
    expect(afterC).toMatchObject({
      status: 'failed',
      error_code: 'INTERRUPTED',
      findings: 0,
    });
    expect(afterC.completed_at).toEqual(failedC.completed_at);
    expect(c.logs().map((l) => l['msg'])).toContain("reconciliation stopped: the run is no longer this instance's");
    expect((await sql.query(`SELECT COUNT(*)::int AS n FROM outbox_messages WHERE message_id = ANY($1)`, [[runA, runC]])).rows[0].n).toBe(0);

    // Each dead run was failed exactly once, by a replica that outlived it.
    for (const runId of [runA, runC]) expect(replicas.reduce((n, r) => n + sweptBy(r, runId), 0)).toBe(1);

    // The survivor's runs: the finished one unchanged, the held one completes once released.
    await releaseB();
    expect(await until(runB, (r) => r.status === 'succeeded', 'succeeded')).toMatchObject({ error_code: null });
    expect(await row(quick)).toEqual(quickDone);
    const runs = await sql.query(`SELECT status, COUNT(*)::int AS n FROM reconciliation_runs GROUP BY status ORDER BY status`);
    expect(runs.rows).toEqual([
      { status: 'failed', n: 2 },
      { status: 'succeeded', n: 2 },
    ]);
  }, 120_000);
});
