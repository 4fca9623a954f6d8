import { createHash } from 'node:crypto';
import type { FindingPage, ReconciliationRun } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { createDataSource } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import ExcelJS from 'exceljs';
import { readPdfText } from '@leaf/claims-runtime/reports/testing';
import { downloadName } from './download-name';
import { createSeededDatabase, startClaimsRuntime, type RunningClaimsRuntime } from '../testing/claims-runtime.fixture';

const seed = createSyntheticSeed({ seed: 5, claims: 5_000 });
const [clientA, clientB] = seed.clients;
const periodA = seed.contractPeriods.find((p) => p.clientId === clientA!.clientId)!;
const analystA = identityHeaders({
  subject: 'ana@client-a',
  roles: ['analyst'],
  clientIds: [clientA!.clientId],
});
const analystB = identityHeaders({
  subject: 'bob@client-b',
  roles: ['analyst'],
  clientIds: [clientB!.clientId],
});
const readerA = identityHeaders({
  subject: 'rita@client-a',
  roles: ['reader'],
  clientIds: [clientA!.clientId],
});
const operator = identityHeaders({
  subject: 'ops',
  roles: ['operator'],
  clientIds: '*',
});
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cents = (m: string) => BigInt(m.replace('.', ''));

describe.each(testDatabaseTargets())('reconciliation API on $name', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let service: RunningClaimsRuntime;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    // A fee $10 above its per-claim ceiling (fee excess the outputs must file in one place) and
    // an ingredient cost $5 above AWP (an audit finding).
    const ds = await createDataSource({
      kind: 'postgres',
      url: db.url,
    }).initialize();
    const nth = (n: number) =>
      `(SELECT claim_id FROM claims WHERE client_id = $1 AND fill_date BETWEEN $2 AND $3
            AND NOT is_reversal AND NOT is_uc_priced AND NOT is_compound ORDER BY claim_id LIMIT 1 OFFSET ${n})`;
    const inPeriod = [clientA!.clientId, periodA.startDate, periodA.endDate];
    await ds.query(`UPDATE claims SET dispensing_fee_paid = dispensing_fee_paid + 10 WHERE claim_id = ${nth(0)}`, inPeriod);
    await ds.query(`UPDATE claims SET ingredient_cost_paid = awp + 5, usual_and_customary = awp + 100 WHERE claim_id = ${nth(1)}`, inPeriod);
    await ds.destroy();
    service = await startClaimsRuntime(db);
    app = service.app;
    base = service.base;
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
    });
  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    call(path, headers, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const runsPath = `/v1/clients/${clientA!.clientId}/reconciliations`;
  const runCount = async () => {
    const ds = await createDataSource({
      kind: 'postgres',
      url: db.url,
    }).initialize();
    try {
      return Number((await ds.query('SELECT COUNT(*) AS n FROM reconciliation_runs'))[0].n);
    } finally {
      await ds.destroy();
    }
  };

  async function reconcile(): Promise<ReconciliationRun> {
    const started = await post(runsPath, analystA, {
      periodId: periodA.periodId,
    });
    expect(started.status).toBe(202);
    const accepted = (await started.json()) as ReconciliationRun;
    expect(started.headers.get('location')).toBe(`${runsPath}/${accepted.runId}`);
    expect(['queued', 'running', 'succeeded']).toContain(accepted.status);
    return waitForRun(runsPath, accepted.runId, analystA);
  }

  async function waitForRun(path: string, runId: string, who: Record<string, string>): Promise<ReconciliationRun> {
    for (let i = 0; i < 300; i++) {
      const run = (await (await call(`${path}/${runId}`, who)).json()) as ReconciliationRun;
      if (run.status === 'succeeded' || run.status === 'failed') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not finish');
  }

  let first: ReconciliationRun;

  it('runs a reconciliation: 202, progress to succeeded, findings that page and add up to the summary', async () => {
    first = await reconcile();
    expect(first).toMatchObject({
      status: 'succeeded',
      progress: 1,
      requestedBy: 'ana@client-a',
      error: null,
    });
    expect(first.artifacts.map((a) => a.name).sort()).toEqual(['findings-evidence.json', 'reconciliation.pdf', 'reconciliation.xlsx', 'run-inputs.json']);

    const findings: FindingPage['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(`${runsPath}/${first.runId}/findings?limit=2${cursor ? `&cursor=${cursor}` : ''}`, analystA);
      const page = (await res.json()) as FindingPage;
      findings.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(pages).toBe(Math.ceil(findings.length / 2));
    expect(new Set(findings.map((f) => f.findingId)).size).toBe(findings.length);
    expect(findings.reduce((s, f) => s + cents(f.impact), 0n)).toBe(cents(first.summary!.totalOwed));
    expect(findings.every((f) => f.evidence.length > 0)).toBe(true);
    const byKind = await (await call(`${runsPath}/${first.runId}/findings?kind=fee_above_contract&limit=500`, analystA)).json();
    expect((byKind as FindingPage).items.every((f) => f.kind === 'fee_above_contract')).toBe(true);
  });

  it("serves a run's state with an ETag: a matching If-None-Match gets 304 and no body, an operator's view has its own tag", async () => {
    const res = await call(`${runsPath}/${first.runId}`, analystA);
    const etag = res.headers.get('etag');
    expect([res.status, res.headers.get('cache-control')]).toEqual([200, 'private, no-cache']);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(await res.json()).toEqual(first);
    const again = await call(`${runsPath}/${first.runId}`, { ...analystA, 'if-none-match': `W/"other", ${etag}` });
    expect([again.status, await again.text(), again.headers.get('etag')]).toEqual([304, '', etag]);
    const operatorView = await call(`${runsPath}/${first.runId}`, { ...operator, 'if-none-match': etag! });
    expect(operatorView.status).toBe(200);
    expect(operatorView.headers.get('etag')).not.toBe(etag);
  });

  it('serves the workbook, the PDF and the evidence as stored, hash for hash, and the workbook matches the run', async () => {
    for (const artifact of first.artifacts) {
      const res = await call(artifact.href, analystA);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(artifact.contentType);
      // Saved under client, period and run; the API's artifact name stays as it is.
      expect(artifact.href.endsWith(`/artifacts/${artifact.name}`)).toBe(true);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${downloadName(first, artifact.name)}"`);
      expect(res.headers.get('content-disposition')).toMatch(
        new RegExp(
          `^attachment; filename="reconciliation-${clientA!.clientId}-.+-${first.runId}(\\.pdf|\\.xlsx|-findings-evidence\\.json|-run-inputs\\.json)"$`,
        ),
      );
      const body = Buffer.from(await res.arrayBuffer());
      expect(sha256(body)).toBe(artifact.sha256);
      if (artifact.name === 'reconciliation.pdf') expect(body.subarray(0, 5).toString()).toBe('%PDF-');
      if (artifact.name === 'reconciliation.xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(body as unknown as ArrayBuffer);
        expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Buckets', 'Findings', 'Evidence', 'Methodology']);
      }
      if (artifact.name === 'findings-evidence.json') {
        const evidence = JSON.parse(body.toString()) as {
          summary: { totalOwed: string };
          findings: Array<{ claimIds: string[] }>;
        };
        expect(evidence.summary.totalOwed).toBe(first.summary!.totalOwed);
        expect(evidence.findings.every((f) => f.claimIds.length > 0)).toBe(true);
      }
    }
  });

  it('states guarantee shortfall, audit findings and total owed identically in the API, the workbook and the PDF of one run', async () => {
    const s = first.summary!;
    const download = async (name: string) => {
      const artifact = first.artifacts.find((a) => a.name === name)!;
      return Buffer.from(await (await call(artifact.href, analystA)).arrayBuffer());
    };
    // The API: the figures, and the kinds that make them, each kind in one category.
    expect(cents(s.guaranteeShortfall) + cents(s.auditImpact)).toBe(cents(s.totalOwed));
    const ofCategory = (c: string) => s.findingTotals.filter((t) => t.category === c).reduce((n, t) => n + cents(t.impact), 0n);
    expect(ofCategory('guarantee')).toBe(cents(s.guaranteeShortfall));
    expect(ofCategory('audit')).toBe(cents(s.auditImpact));
    expect(s.findingTotals.find((t) => t.kind === 'fee_above_contract')).toMatchObject({ category: 'guarantee' });
    expect(cents(s.guaranteeShortfall)).toBeGreaterThan(0n);
    expect(cents(s.auditImpact)).toBeGreaterThan(0n);

    // The workbook: the Summary sheet's formulas cache the same figures.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('reconciliation.xlsx')) as unknown as ArrayBuffer);
    const summarySheet = wb.getWorksheet('Summary')!;
    const cell = (label: string) => {
      let value: unknown;
      summarySheet.eachRow((row) => {
        if (row.getCell(1).value === label) value = row.getCell(2).value;
      });
      return value as { result: number };
    };
    expect([cell('Guarantee shortfall').result, cell('Audit findings').result, cell('Total owed').result]).toEqual([
      Number(s.guaranteeShortfall),
      Number(s.auditImpact),
      Number(s.totalOwed),
    ]);

    // The PDF: the call-out and the owed table print the same figures, nowhere a different one.
    const [page1] = await readPdfText(await download('reconciliation.pdf'));
    const text = page1!.join('|');
    const money = (m: string) => {
      const [whole, fraction] = m.split('.');
      return `$${BigInt(whole!).toLocaleString('en-US')}.${fraction}`;
    };
    const guaranteeCount = s.findingTotals.filter((t) => t.category === 'guarantee').reduce((n, t) => n + t.count, 0);
    const auditCount = s.findingTotals.filter((t) => t.category === 'audit').reduce((n, t) => n + t.count, 0);
    expect(text).toContain(`Guarantee shortfall ${money(s.guaranteeShortfall)}`);
    expect(text).toContain(`Audit findings ${money(s.auditImpact)}`);
    expect(text).toContain(`|Guarantee shortfall|${guaranteeCount.toLocaleString('en-US')}|${money(s.guaranteeShortfall)}|`);
    expect(text).toContain(`|Audit findings|${auditCount.toLocaleString('en-US')}|${money(s.auditImpact)}|`);
    expect(text).toContain(`|Total owed|${money(s.totalOwed)}`);
    // Its reference is the run's id (the first run on these inputs: this one).
    expect(text).toContain(`Report reference ${first.runId}`);
    expect(text).toContain(money(s.totalOwed));
  });

  it("groups the run's buckets by metric, each total counting a claim once", () => {
    expect(first.bucketGroups.map((g) => g.metric)).toEqual(['awp_discount', 'dispensing_fee', 'rebate_per_brand_claim']);
    for (const group of first.bucketGroups) {
      const buckets = first.buckets.filter((b) => b.metric === group.metric);
      expect(group.guaranteeIds).toEqual(buckets.map((b) => b.guaranteeId));
      // The seeded terms split each metric by channel (and drug type): a partition.
      expect(group.total?.claimCount).toBe(buckets.reduce((n, b) => n + b.claimCount, 0));
      // Each claim counted once: never more than the period's net claims.
      expect(group.total!.claimCount).toBeLessThanOrEqual(first.summary!.claimCount);
    }
  });

  it('replays byte for byte: a second run over the same inputs stores identical artifacts', async () => {
    const second = await reconcile();
    expect(second.runId).not.toBe(first.runId);
    expect(second.inputsSha256).toBe(first.inputsSha256);
    expect(second.artifacts.map((a) => [a.name, a.sha256, a.bytes])).toEqual(first.artifacts.map((a) => [a.name, a.sha256, a.bytes]));
  });

  it('publishes claims.reconciliation-completed.v1 through the outbox', async () => {
    const bus = app.get<MessageBus>(MESSAGE_BUS);
    let bodies: unknown[] = [];
    for (let i = 0; i < 50 && !bodies.some((b) => (b as { runId: string }).runId === first.runId); i++) {
      bodies = (
        await bus.peek(
          {
            topic: 'claims.reconciliation-completed.v1',
            subscription: 'agent-dispatcher',
          },
          { maxCount: 50 },
        )
      ).map((m) => m.body);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(bodies).toContainEqual(
      expect.objectContaining({
        runId: first.runId,
        clientId: clientA!.clientId,
        shortfall: first.summary!.totalOwed,
      }),
    );
  });

  it('shows a caller scoped to another client nothing: 404 for the run, its findings and its artifacts', async () => {
    for (const path of [`${runsPath}/${first.runId}`, `${runsPath}/${first.runId}/findings`, `${runsPath}/${first.runId}/artifacts/reconciliation.xlsx`]) {
      const res = await call(path, analystB);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(first.runId.slice(4));
    }
    // Even under its own client id, B cannot reach A's run.
    const underB = await call(`/v1/clients/${clientB!.clientId}/reconciliations/${first.runId}`, analystB);
    expect(underB.status).toBe(404);
    expect((await post(runsPath, analystB, { periodId: periodA.periodId })).status).toBe(404);
    expect((await call(runsPath + `/${first.runId}`, {})).status).toBe(401);
  });

  it('starts one run per Idempotency-Key: a retry gets the same run, another period with the key is a conflict', async () => {
    const before = await runCount();
    const start = (periodId: string, key: string) =>
      call(runsPath, analystA, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({ periodId }),
      });
    const first = await start(periodA.periodId, 'task-123');
    const again = await start(periodA.periodId, 'task-123');
    expect([first.status, again.status]).toEqual([202, 202]);
    const [a, b] = [(await first.json()) as ReconciliationRun, (await again.json()) as ReconciliationRun];
    expect(b.runId).toBe(a.runId);
    expect(await runCount()).toBe(before + 1);
    // The key is checked before anything else: reusing it for another period is a conflict.
    expect((await start('another-period', 'task-123')).status).toBe(409);
    expect((await start(periodA.periodId, 'bad key with spaces')).status).toBe(400);
    // Keys are per client: B's key space does not see A's run.
    const underB = await call(`/v1/clients/${clientB!.clientId}/reconciliations`, analystB, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'task-123',
      },
      body: JSON.stringify({
        periodId: seed.contractPeriods.find((p) => p.clientId === clientB!.clientId)!.periodId,
      }),
    });
    expect(underB.status).toBe(202);
    const runB = (await underB.json()) as ReconciliationRun;
    expect(runB.runId).not.toBe(a.runId);
    expect((await waitForRun(runsPath, a.runId, analystA)).status).toBe('succeeded');
    expect((await waitForRun(`/v1/clients/${clientB!.clientId}/reconciliations`, runB.runId, analystB)).status).toBe('succeeded');
  });

  it('turns bad input into problem+json and writes nothing', async () => {
    const before = await runCount();
    const cases: Array<[Promise<Response>, number, string, string?]> = [
      [
        post(`/v1/clients/no-such-client/reconciliations`, operator, {
          periodId: periodA.periodId,
        }),
        404,
        'NOT_FOUND',
      ],
      [post(runsPath, analystA, { periodId: 'no-such-period' }), 400, 'VALIDATION_FAILED', 'periodId'],
      [post(runsPath, analystA, { periodId: periodA.periodId, extra: 1 }), 400, 'VALIDATION_FAILED'],
      [
        post(runsPath, operator, {
          periodId: periodA.periodId,
          sourceMapping: {
            dialect: 'mssql',
            table: 'claims; DROP TABLE claims',
            columns: {},
          },
        }),
        400,
        'VALIDATION_FAILED',
        'sourceMapping.table',
      ],
      [
        post(runsPath, analystA, {
          periodId: periodA.periodId,
          sourceMapping: {},
        }),
        403,
        'FORBIDDEN',
      ],
      [post(runsPath, readerA, { periodId: periodA.periodId }), 403, 'FORBIDDEN'],
      [call(`${runsPath}/not-a-run-id`, analystA), 400, 'VALIDATION_FAILED'],
      [call(`${runsPath}/${first.runId}/findings?cursor=Zm9v`, analystA), 400, 'VALIDATION_FAILED', 'cursor'],
      [call(`${runsPath}/${first.runId}/artifacts/..%2F..%2Fetc%2Fpasswd`, analystA), 400, 'VALIDATION_FAILED'],
    ];
    for (const [pending, status, code, path] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as {
        code: string;
        errors?: Array<{ path: string }>;
      };
      expect(problem.code).toBe(code);
      if (path) expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    // The period with no contract: remove its terms and ask again.
    const ds = await createDataSource({
      kind: 'postgres',
      url: db.url,
    }).initialize();
    const other = seed.contractPeriods.filter((p) => p.clientId === clientA!.clientId)[1] ?? periodA;
    const saved = await ds.query('SELECT * FROM contract_guarantees WHERE period_id = $1', [other.periodId]);
    await ds.query('DELETE FROM contract_guarantees WHERE period_id = $1', [other.periodId]);
    const noContract = await post(runsPath, analystA, {
      periodId: other.periodId,
    });
    expect([noContract.status, ((await noContract.json()) as { detail: string }).detail]).toEqual([400, expect.stringContaining('no guarantees')]);
    for (const row of saved as Array<Record<string, unknown>>) {
      const cols = Object.keys(row);
      await ds.query(
        `INSERT INTO contract_guarantees (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`,
        cols.map((c) => row[c]),
      );
    }
    await ds.destroy();
    expect(await runCount()).toBe(before);
  });
});
