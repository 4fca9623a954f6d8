import type { ReconciliationRun, RunDiff, RunList, RunProgressEvent } from '@leaf/contracts';
import { createDataSource } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { createSeededDatabase, startClaimsRuntime, type RunningClaimsRuntime } from '../testing/claims-runtime.fixture';
import { findingsCsvColumns } from './findings-csv';

const seed = createSyntheticSeed({ seed: 9, claims: 4_000, months: 24 });
const periodsOf = (clientId: string) => seed.contractPeriods.filter((p) => p.clientId === clientId);
// A client with two contract periods, and another client.
const clientA = seed.clients.find((c) => periodsOf(c.clientId).length >= 2)!;
const clientB = seed.clients.find((c) => c !== clientA)!;
const [periodA1, periodA2] = periodsOf(clientA.clientId);
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
const cents = (m: string) => BigInt(m.replace('.', ''));

/** RFC 4180 lines → fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe.each(testDatabaseTargets())('finding and comparing runs on $name', ({ create }) => {
  let db: TestDatabase;
  let service: RunningClaimsRuntime;
  const runsPath = `/v1/clients/${clientA!.clientId}/reconciliations`;
  const call = (path: string, headers = analystA) => fetch(`${service.base}${path}`, { headers });
  const start = async (periodId: string) => {
    const res = await fetch(`${service.base}${runsPath}`, {
      method: 'POST',
      headers: { ...analystA, 'content-type': 'application/json' },
      body: JSON.stringify({ periodId }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as ReconciliationRun).runId;
  };
  const finished = async (runId: string) => {
    for (let i = 0; i < 300; i++) {
      const run = (await (await call(`${runsPath}/${runId}`)).json()) as ReconciliationRun;
      if (run.status === 'succeeded' || run.status === 'failed') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not finish');
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const ds = await createDataSource({
      kind: 'postgres',
      url: db.url,
    }).initialize();
    try {
      return await ds.query(text, params);
    } finally {
      await ds.destroy();
    }
  };

  let first: ReconciliationRun;
  let second: ReconciliationRun;
  let changedClaim: string;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    service = await startClaimsRuntime(db, {
      LEAF_RECONCILIATION_EVENTS_POLL_MS: '50',
    });
    first = await finished(await start(periodA1!.periodId));
    // A claim's ingredient cost above its AWP: a new finding, and its term's bucket changes.
    const [row] = await sql(
      `SELECT claim_id FROM claims WHERE client_id = $1 AND fill_date BETWEEN $2 AND $3
           AND NOT is_reversal AND NOT is_uc_priced AND NOT is_compound AND NOT is_340b AND channel = 'retail30'
         ORDER BY claim_id LIMIT 1`,
      [clientA!.clientId, periodA1!.startDate, periodA1!.endDate],
    );
    changedClaim = row.claim_id;
    await sql(`UPDATE claims SET ingredient_cost_paid = awp + 7, usual_and_customary = awp + 500 WHERE claim_id = $1`, [changedClaim]);
    second = await finished(await start(periodA1!.periodId));
    await finished(await start(periodA2!.periodId));
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it("lists a client's runs newest first, paged, filtered by period and status; another client sees none", async () => {
    const all: RunList['items'] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await call(`${runsPath}?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()) as RunList;
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(3);
    expect(all.map((r) => r.runId)).toEqual([...all.map((r) => r.runId)].sort().reverse());
    expect(all.find((r) => r.runId === first.runId)).toMatchObject({
      status: 'succeeded',
      totalOwed: first.summary!.totalOwed,
      periodId: periodA1!.periodId,
    });
    const ofPeriod = (await (await call(`${runsPath}?periodId=${periodA1!.periodId}&status=succeeded`)).json()) as RunList;
    expect(ofPeriod.items.map((r) => r.runId)).toEqual([second.runId, first.runId]);
    const failed = (await (await call(`${runsPath}?status=failed`)).json()) as RunList;
    expect(failed.items).toEqual([]);

    const b = await call(`/v1/clients/${clientB!.clientId}/reconciliations`, analystB);
    expect(((await b.json()) as RunList).items).toEqual([]);
    expect((await call(runsPath, analystB)).status).toBe(404);
    for (const bad of ['status=done', 'limit=0', 'cursor=Zm9v']) expect((await call(`${runsPath}?${bad}`)).status).toBe(400);
  });

  it('compares two runs: the owed figures, the buckets that changed with their term versions, and the findings that differ', async () => {
    const res = await call(`${runsPath}/${first.runId}/diff?against=${second.runId}`);
    expect(res.status).toBe(200);
    const diff = (await res.json()) as RunDiff;
    expect(diff.sameInputs).toBe(false);
    expect(diff.summary.totalOwed).toEqual({
      base: first.summary!.totalOwed,
      other: second.summary!.totalOwed,
      delta: expect.any(String),
    });
    expect(cents(diff.summary.totalOwed.base) + cents(diff.summary.totalOwed.delta)).toBe(cents(diff.summary.totalOwed.other));
    expect(diff.findings.items).toContainEqual({
      findingId: `ingredient_above_awp:${changedClaim}`,
      kind: 'ingredient_above_awp',
      claimId: changedClaim,
      change: 'added',
      baseImpact: null,
      otherImpact: '7.00',
    });
    const bucket = diff.buckets.find((b) => b.metric === 'awp_discount' && b.change === 'changed')!;
    expect(bucket.fields).toEqual(expect.arrayContaining(['ingredientCostPaid', 'moved']));
    expect(bucket.base!.guaranteeVersion).toBe(bucket.other!.guaranteeVersion);
    expect(bucket.base!.evidence.locator).toBeTruthy();
    // A run against itself (or a replay) differs in nothing.
    const same = (await (await call(`${runsPath}/${first.runId}/diff?against=${first.runId}`)).json()) as RunDiff;
    expect([same.sameInputs, same.buckets, same.findings.items]).toEqual([true, [], []]);
    // Paging the findings that differ, one at a time.
    const paged = (await (await call(`${runsPath}/${first.runId}/diff?against=${second.runId}&limit=1`)).json()) as RunDiff;
    expect(paged.findings.items).toHaveLength(1);
    if (diff.findings.items.length > 1) expect(paged.findings.nextCursor).not.toBeNull();
  });

  it("refuses to compare with another client's run or a bad run id", async () => {
    const other = await fetch(`${service.base}/v1/clients/${clientB!.clientId}/reconciliations`, {
      method: 'POST',
      headers: { ...analystB, 'content-type': 'application/json' },
      body: JSON.stringify({
        periodId: seed.contractPeriods.find((p) => p.clientId === clientB!.clientId)!.periodId,
      }),
    });
    const runB = (await other.json()) as ReconciliationRun;
    const cases: Array<[string, number]> = [
      [`${runsPath}/${first.runId}/diff?against=${runB.runId}`, 404],
      [`${runsPath}/${first.runId}/diff?against=nope`, 400],
      [`${runsPath}/${first.runId}/diff`, 400],
    ];
    for (const [path, status] of cases) {
      const res = await call(path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('problem+json');
    }
  });

  it('exports every finding as CSV, named for the client and period, adding up to the total owed', async () => {
    const res = await call(`${runsPath}/${second.runId}/findings.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="reconciliation-${clientA!.clientId}-${periodA1!.periodId.replace(`${clientA!.clientId}-`, '')}-${second.runId}-findings.csv"`,
    );
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual([...findingsCsvColumns]);
    const column = (name: (typeof findingsCsvColumns)[number]) => findingsCsvColumns.indexOf(name);
    const body = rows.slice(1);
    expect(body.reduce((s, r) => s + cents(r[column('impact')]!), 0n)).toBe(cents(second.summary!.totalOwed));
    expect(body.find((r) => r[column('claim_id')] === changedClaim)?.[column('kind')]).toBe('ingredient_above_awp');
    expect((await call(`${runsPath}/${second.runId}/findings.csv`, analystB)).status).toBe(404);
  });

  it("streams a run's progress as server-sent events until it ends", async () => {
    const runId = await start(periodA1!.periodId);
    const res = await call(`${runsPath}/${runId}/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    const events = text
      .trim()
      .split('\n\n')
      .map((block) => ({
        event: /^event: (.+)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') as RunProgressEvent,
      }));
    expect(events.at(-1)).toMatchObject({
      event: 'end',
      data: { runId, status: 'succeeded', progress: 1 },
    });
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const values = progress.map((e) => e.data.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    // A finished run: one progress event with its final state, then end.
    const done = await (await call(`${runsPath}/${first.runId}/events`)).text();
    expect(done.match(/event: progress/g)).toHaveLength(1);
    expect((await call(`${runsPath}/${first.runId}/events`, analystB)).status).toBe(404);
  });
});
