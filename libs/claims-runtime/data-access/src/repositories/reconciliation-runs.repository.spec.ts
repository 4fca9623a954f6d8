import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import type { DataSource } from 'typeorm';
import { claimsRuntimeEntities } from '../index';
import { claimsRuntimeMigrations } from '../migrations/claims-runtime.migrations';
import { ReconciliationRunLeases1733000000002 } from '../migrations/run-leases.migration';
import { isReconciliationRunError } from './reconciliation-run.error';
import { ReconciliationRunsRepository, type CompletedRun, type RunOwner } from './reconciliation-runs.repository';

const done: CompletedRun = {
  inputsSha256: 'a'.repeat(64),
  summary: {
    claimCount: 1,
    eligibleClaimCount: 1,
    excludedClaimCount: 0,
    totalAwp: '10.00',
    totalIngredientCostPaid: '8.00',
    eligibleAwp: '10.00',
    eligibleIngredientCostPaid: '8.00',
    guaranteeShortfall: '1.00',
    auditImpact: '0.00',
    totalOwed: '1.00',
    findingOverlap: { deducted: '0.00', kept: '0.00' },
    findingTotals: [
      {
        kind: 'guarantee_shortfall',
        category: 'guarantee',
        count: 1,
        impact: '1.00',
      },
    ],
  },
  buckets: [],
  artifacts: [],
  findings: [
    {
      findingId: 'guarantee_shortfall:g-1',
      kind: 'guarantee_shortfall',
      claimId: null,
      guaranteeId: 'g-1',
      channel: 'retail30',
      drugType: 'generic',
      impact: '1.00',
      detail: 'guarantee shortfall',
      claimCount: 1,
      evidence: [
        {
          sourceSystem: 'claims-source',
          objectId: 'c-1',
          sha256: null,
          locator: 'claims.claim_id',
        },
      ],
    },
  ],
};

describe.each(testDatabaseTargets())('reconciliation run ownership on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let runs: ReconciliationRunsRepository;
  const a: RunOwner = { ownerId: 'inst_a', leaseMs: 60_000 };
  const b: RunOwner = { ownerId: 'inst_b', leaseMs: 60_000 };
  let n = 0;

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource(
      { kind: 'postgres', url: db.url },
      {
        entities: claimsRuntimeEntities,
        migrations: [...postgresMigrations, ...claimsRuntimeMigrations.postgres],
      },
    ).initialize();
    await runMigrations(ds);
    runs = new ReconciliationRunsRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const newRun = async (owner: RunOwner) => {
    const runId = `rec_${String(++n).padStart(26, '0')}`;
    await runs.create({ runId, clientId: 'acme', periodId: 'p1', requestedBy: 'spec' }, owner);
    return runId;
  };
  const row = async (runId: string) =>
    (
      await ds.query(
        `SELECT status, stage, owner_id, error_code, lease_expires_at > now() AS lease_live,
                  (SELECT COUNT(*) FROM reconciliation_findings f WHERE f.run_id = r.run_id)::int AS findings
             FROM reconciliation_runs r WHERE run_id = $1`,
        [runId],
      )
    )[0] as {
      status: string;
      stage: string;
      owner_id: string | null;
      error_code: string | null;
      lease_live: boolean | null;
      findings: number;
    };
  /** As if its owner stopped renewing long ago (no sleeping in the spec). */
  const lapse = (runId: string) => ds.query(`UPDATE reconciliation_runs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1`, [runId]);
  const refused = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isReconciliationRunError(error, 'RUN_NOT_OWNED')).toBe(true);
  };

  it('records the instance that executes a run and a live lease on the database clock', async () => {
    const runId = await newRun(a);
    expect(await row(runId)).toMatchObject({
      status: 'queued',
      owner_id: 'inst_a',
      lease_live: true,
    });
  });

  it('refuses another instance’s progress, completion and failure of a run it does not own', async () => {
    const runId = await newRun(a);
    await refused(runs.progress(runId, b.ownerId, 'stolen', 0.5));
    await refused(ds.transaction((m) => runs.complete(m, runId, b.ownerId, done)));
    expect(await runs.fail(runId, b.ownerId, 'X', 'x')).toBe(false);
    expect(await row(runId)).toMatchObject({
      status: 'queued',
      stage: 'queued',
      findings: 0,
    });
    await runs.progress(runId, a.ownerId, 'aggregating', 0.5);
    expect(await row(runId)).toMatchObject({
      status: 'running',
      stage: 'aggregating',
    });
  });

  it('sweeps only runs whose lease expired, each once, whoever owned them', async () => {
    const live = await newRun(a);
    const other = await newRun(b);
    const dead = await newRun(b);
    await runs.progress(dead, b.ownerId, 'aggregating', 0.2);
    expect(await runs.failExpired()).toEqual([]);
    await lapse(dead);
    expect(await runs.failExpired()).toEqual([dead]);
    expect(await runs.failExpired()).toEqual([]);
    expect(await row(dead)).toMatchObject({
      status: 'failed',
      error_code: 'INTERRUPTED',
    });
    for (const runId of [live, other]) expect((await row(runId)).status).toBe('queued');
  });

  it('renews every open lease of one owner, and says which runs it no longer holds', async () => {
    const short: RunOwner = { ownerId: 'inst_short', leaseMs: 60_000 };
    const kept = await newRun(short);
    const lost = await newRun(short);
    await lapse(kept);
    await lapse(lost);
    // A renewal revives both; once `lost` lapses again and is swept, the next one lists only `kept`.
    expect(await runs.renewLeases(short)).toEqual(expect.arrayContaining([kept, lost]));
    await lapse(lost);
    expect(await runs.failExpired()).toEqual([lost]);
    expect(await runs.renewLeases(short)).toEqual([kept]);
    expect(await row(kept)).toMatchObject({
      status: 'queued',
      lease_live: true,
    });
  });

  it('never turns a failed run succeeded: the owner that lost its lease can no longer progress, complete or fail it', async () => {
    const runId = await newRun(a);
    await runs.progress(runId, a.ownerId, 'rendering', 0.9);
    await lapse(runId);
    expect(await runs.failExpired()).toEqual([runId]);
    await refused(runs.progress(runId, a.ownerId, 'rendering the PDF', 0.95));
    await refused(ds.transaction((m) => runs.complete(m, runId, a.ownerId, done)));
    expect(await runs.fail(runId, a.ownerId, 'RECONCILIATION_FAILED', 'late')).toBe(false);
    expect(await row(runId)).toMatchObject({
      status: 'failed',
      stage: 'failed',
      error_code: 'INTERRUPTED',
      findings: 0,
    });
    const api = await runs.get('acme', runId);
    expect(api).toMatchObject({
      status: 'failed',
      summary: null,
      artifacts: [],
    });
  });

  it('keeps a succeeded run succeeded: neither a failure nor a sweep touches it', async () => {
    const runId = await newRun(a);
    await runs.progress(runId, a.ownerId, 'rendering', 0.9);
    await ds.transaction((m) => runs.complete(m, runId, a.ownerId, done));
    expect(await runs.fail(runId, a.ownerId, 'RECONCILIATION_FAILED', 'x')).toBe(false);
    await lapse(runId);
    expect(await runs.failExpired()).toEqual([]);
    expect(await row(runId)).toMatchObject({
      status: 'succeeded',
      error_code: null,
      findings: 1,
    });
  });

  it('gives runs from before leases (no owner) a grace from their creation', async () => {
    await ds.query(
      `INSERT INTO reconciliation_runs (run_id, client_id, period_id, status, stage, requested_by, created_at)
         VALUES ('rec_legacyold0000000000000000', 'acme', 'p1', 'running', 'x', 'spec', now() - interval '20 minutes'),
                ('rec_legacynew0000000000000000', 'acme', 'p1', 'running', 'x', 'spec', now())`,
    );
    expect(await runs.failExpired()).toEqual(['rec_legacyold0000000000000000']);
    expect((await row('rec_legacynew0000000000000000')).status).toBe('running');
  });

  it('reverts the lease columns', async () => {
    // Undo the lease migration and whatever came after it (by timestamp, whichever list declared it).
    const stamp = (m: { name: string }) => Number(m.name.slice(-13));
    const later = [...postgresMigrations, ...claimsRuntimeMigrations.postgres].filter((m) => stamp(m) >= stamp(ReconciliationRunLeases1733000000002));
    for (let i = 0; i < later.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const columns: Array<{ column_name: string }> = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'reconciliation_runs'`,
    );
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['owner_id']));
    expect(columns.map((c) => c.column_name)).not.toContain('lease_expires_at');
    expect(columns.map((c) => c.column_name)).toContain('idempotency_key');
  });
});
