import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { canonicalJson, type PlannedGuarantee } from '@leaf/claims-runtime/domain';
import { GuaranteesRepository, ReconciliationRunsRepository, canonicalClaimsMapping, claimsRuntimeEntities } from '@leaf/claims-runtime/data-access';
import { createDataSource } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { contentKey, createLake, parseLakeUrl } from '@leaf/storage';
import { createSyntheticSeed } from '@leaf/synthetic-data';
import { createSeededDatabase } from '../testing/claims-runtime.fixture';
import { ReconciliationExecutor, type RunRequest } from './reconciliation-executor';
import { oracleReconcile, type OracleClaim, type OracleTerm } from './reconciliation.oracle';
import type { ReportRenderers } from './report-renderers';
import { newRunId } from './run-id';

const seed = createSyntheticSeed({ seed: 11, claims: 6_000 });
const [clientX, clientY] = seed.clients;
const periodsOf = (clientId: string) => seed.contractPeriods.filter((p) => p.clientId === clientId);

/** Renders the report model as JSON: this spec is about the numbers, the renderers have their own. */
const jsonRenderers: ReportRenderers = {
  workbook: async (report, out) => {
    const findings = [];
    for await (const f of report.findings()) findings.push(f);
    out.end(canonicalJson({ ...report, findings }));
  },
  pdf: async (report) => Buffer.from(canonicalJson({ ...report, findings: null })),
};

describe.each(testDatabaseTargets())('reconciliation engine against the in-memory oracle on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-recon-lake-'));
  const lake = createLake(parseLakeUrl(`file:${lakeDir}`));
  let executor: ReconciliationExecutor;
  let runs: ReconciliationRunsRepository;

  beforeAll(async () => {
    db = await createSeededDatabase(create, seed);
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { entities: claimsRuntimeEntities }).initialize();
    await plantEdgeCases(ds);
    executor = new ReconciliationExecutor({
      ownerId: 'spec-instance',
      serviceDb: ds,
      claimsDb: ds,
      lake,
      renderers: jsonRenderers,
    });
    runs = new ReconciliationRunsRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  async function reconcile(clientId: string, periodId: string) {
    const period = seed.contractPeriods.find((p) => p.periodId === periodId)!;
    const runId = newRunId();
    await runs.create({ runId, clientId, periodId, requestedBy: 'spec' }, { ownerId: 'spec-instance', leaseMs: 60_000 });
    const request: RunRequest = {
      runId,
      clientId,
      clientName: 'x',
      periodId,
      periodStart: period.startDate,
      periodEnd: period.endDate,
      pbmName: period.pbmName,
      mapping: canonicalClaimsMapping,
    };
    await executor.execute(request);
    const run = (await runs.get(clientId, runId))!;
    const findings = (await runs.findings(runId, 0, 100_000)).items;
    return { run, findings, period };
  }

  async function oracleFor(clientId: string, periodId: string, start: string, end: string) {
    const claims = await claimsOf(clientId);
    const terms: OracleTerm[] = (await new GuaranteesRepository(ds).versionsForPeriod(clientId, periodId)).map((g: PlannedGuarantee) => ({
      ...g,
      exclusions: [...g.exclusions],
    }));
    return oracleReconcile(claims, terms, clientId, start, end);
  }

  async function claimsOf(clientId: string): Promise<OracleClaim[]> {
    return (
      await ds.query(
        `SELECT claim_id, client_id, member_id, pharmacy_npi, TO_CHAR(fill_date, 'YYYY-MM-DD') AS fill_date, ndc, drug_type, channel, days_supply,
                awp::text AS awp, ingredient_cost_paid::text AS ic, dispensing_fee_paid::text AS fee, usual_and_customary::text AS uc,
                is_compound, is_340b, is_reversal, reverses_claim_id, is_uc_priced, mony_code, daw_code, gpi,
                patient_pay_amount::text AS patient_pay
         FROM claims WHERE client_id = $1`,
        [clientId],
      )
    ).map((r: Record<string, never>) => ({
      claimId: r['claim_id'],
      clientId: r['client_id'],
      memberId: r['member_id'],
      pharmacyNpi: r['pharmacy_npi'],
      fillDate: r['fill_date'],
      ndc: r['ndc'],
      drugType: r['drug_type'],
      channel: r['channel'],
      daysSupply: Number(r['days_supply']),
      awp: r['awp'],
      ingredientCostPaid: r['ic'],
      dispensingFeePaid: r['fee'],
      usualAndCustomary: r['uc'],
      isCompound: r['is_compound'],
      is340b: r['is_340b'],
      isReversal: r['is_reversal'],
      reversesClaimId: r['reverses_claim_id'],
      isUcPriced: r['is_uc_priced'],
      monyCode: r['mony_code'],
      dawCode: r['daw_code'] === null ? null : Number(r['daw_code']),
      gpi: r['gpi'],
      patientPayAmount: r['patient_pay'],
    }));
  }

  const cases = () => [
    ...periodsOf(clientX!.clientId).map((p) => [clientX!.clientId, p.periodId] as const),
    [clientY!.clientId, periodsOf(clientY!.clientId)[0]!.periodId] as const,
  ];

  it('agrees with the oracle to the cent on every bucket, the summary and every finding (edge cases planted)', async () => {
    for (const [clientId, periodId] of cases()) {
      const { run, findings, period } = await reconcile(clientId, periodId);
      const oracle = await oracleFor(clientId, periodId, period.startDate, period.endDate);
      expect(run.status).toBe('succeeded');
      const keyOf = (b: { guaranteeId: string; effectiveFrom: string | null }) => `${b.guaranteeId}@${b.effectiveFrom}`;
      for (const b of run.buckets) {
        expect({
          id: keyOf(b),
          claimCount: b.claimCount,
          awp: b.awp,
          ingredientCostPaid: b.ingredientCostPaid,
          dispensingFeePaid: b.dispensingFeePaid,
          variance: b.variance,
          shortfall: b.shortfall,
          moved: b.moved && {
            claimCount: b.moved.claimCount,
            removedClaims: b.moved.removedClaims,
            ingredientCostPaid: b.moved.ingredientCostPaid,
            dispensingFeePaid: b.moved.dispensingFeePaid,
          },
        }).toEqual({
          id: keyOf(b),
          ...oracle.buckets.get(keyOf(b)),
        });
      }
      // No claim's dollars are both recovered by a finding and still measured by a term.
      expect(oracle.countedTwice).toEqual([]);
      if (run.summary!.eligibleClaimCount > 0) expect(oracle.ledgerClaims).toBeGreaterThan(0);
      expect(run.buckets.map(keyOf).sort()).toEqual([...oracle.buckets.keys()].sort());
      expect(run.summary).toMatchObject({
        guaranteeShortfall: oracle.guaranteeShortfall,
        auditImpact: oracle.auditImpact,
        claimCount: oracle.claimCount,
        excludedClaimCount: oracle.excludedClaimCount,
      });
      const key = (f: { kind: string; claimId: string | null; impact: string }) => `${f.kind}|${f.claimId}|${f.impact}`;
      expect(findings.map(key).sort()).toEqual(oracle.findings.map(key).sort());
      // The findings add up to the summary, to the cent.
      const total = findings.reduce((s, f) => s + BigInt(f.impact.replace('.', '')), 0n);
      expect(total).toBe(BigInt(run.summary!.totalOwed.replace('.', '')));
    }
  });

  it('finds the planted edge cases: zero AWP, a reversal in the next period, a bucket with no guarantee, an offset group, a client whose claims are all excluded', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { run, findings } = await reconcile(clientX!.clientId, p1.periodId);
    expect(findings.find((f) => f.claimId === 'EDGE-ZERO-AWP')).toMatchObject({ kind: 'ingredient_above_awp', impact: '4.00' });
    expect(findings.find((f) => f.claimId === 'EDGE-DUP-2')).toMatchObject({
      kind: 'duplicate_fill',
    });
    expect(findings.find((f) => f.claimId === 'EDGE-ABOVE-UC')).toMatchObject({ kind: 'paid_above_uc' });
    // One claim can carry an audit finding and a fee finding; their dollars never overlap.
    expect(findings.filter((f) => f.claimId === 'EDGE-SHORT-90').map((f) => f.kind)).toContain('short_days_supply_90');
    expect(findings.some((f) => f.claimId === 'EDGE-REVERSED')).toBe(false);
    expect(run.buckets.some((b) => b.metric === 'awp_discount' && b.channel === 'specialty' && b.drugType === 'brand')).toBe(false);
    // ...but the report shows that cell as not guaranteed, with its claims, owed nothing.
    const report = JSON.parse((await lake.read(contentKey('artifacts', run.artifacts.find((a) => a.name === 'reconciliation.pdf')!.sha256))).toString()) as {
      runId: string;
      notGuaranteed: Array<{ metric: string; channel: string; drugType: string; claimCount: number }>;
    };
    // Its reference: the first run that succeeded on these inputs (an earlier case ran them).
    const [firstRun] = await ds.query(
      `SELECT run_id FROM reconciliation_runs WHERE inputs_sha256 = $1 AND status = 'succeeded' ORDER BY completed_at, run_id LIMIT 1`,
      [run.inputsSha256],
    );
    expect(report.runId).toBe(firstRun.run_id);
    const specialtyBrand = report.notGuaranteed.find((c) => c.metric === 'awp_discount' && c.channel === 'specialty' && c.drugType === 'brand');
    expect(specialtyBrand?.claimCount).toBeGreaterThan(0);
    // The two retail30 discount terms net against each other: one finding for the group, or none.
    const cents = (m: string) => BigInt(m.replace('.', ''));
    const retail30 = run.buckets.filter((b) => b.metric === 'awp_discount' && b.channel === 'retail30');
    expect(retail30).toHaveLength(2);
    const net = retail30.reduce((s, b) => s + cents(b.variance), 0n);
    const group = findings.find((f) => f.kind === 'guarantee_shortfall' && f.detail.includes('offset group retail30'));
    if (net > 0n) expect(Number(cents(group!.impact) - net)).toBeGreaterThanOrEqual(-1);
    else expect(group).toBeUndefined();
    expect(findings.some((f) => f.kind === 'guarantee_shortfall' && f.guaranteeId?.includes('awp-retail30'))).toBe(false);
    // The comparison with the oracle is not vacuous: the period has findings of most kinds.
    expect(new Set(findings.map((f) => f.kind)).size).toBeGreaterThanOrEqual(5);
    expect(cents(run.summary!.totalOwed)).toBeGreaterThan(0n);

    const y = await reconcile(clientY!.clientId, periodsOf(clientY!.clientId)[0]!.periodId);
    expect(y.run.summary).toMatchObject({
      eligibleClaimCount: 0,
      guaranteeShortfall: '0.00',
    });
    expect(y.run.buckets.every((b) => b.claimCount === 0 && b.effectiveValue === null)).toBe(true);
  });

  it('takes the dollars a finding recovers out of the terms first, so total owed counts no claim twice; a term that keeps them by contract discloses them', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { run } = await reconcile(clientX!.clientId, p1.periodId);
    const cents = (m: string) => BigInt(m.replace('.', ''));
    // EDGE-ZERO-AWP: $4.00 paid on $0.00 AWP, all recovered as ingredient cost above AWP;
    // EDGE-DUP-2: a duplicate, taken out of its bucket whole.
    const retail30Generic = run.buckets.find((b) => b.metric === 'awp_discount' && b.channel === 'retail30' && b.drugType === 'generic')!;
    expect(retail30Generic.moved).toMatchObject({ rule: 'deducted' });
    expect(retail30Generic.moved!.removedClaims).toBeGreaterThanOrEqual(1);
    expect(cents(retail30Generic.moved!.ingredientCostPaid)).toBeGreaterThanOrEqual(800n);
    const deducted = run.buckets
      .filter((b) => b.moved?.rule === 'deducted')
      .reduce((s, b) => s + cents(b.metric === 'awp_discount' ? b.moved!.ingredientCostPaid : b.moved!.dispensingFeePaid), 0n);
    expect(cents(run.summary!.findingOverlap.deducted)).toBe(deducted);
    expect(deducted).toBeGreaterThan(0n);
    expect(run.summary!.findingOverlap.kept).toBe('0.00');

    // The contract keeps finding dollars in the retail30 generic term: they stay, and are disclosed.
    await ds.query(`UPDATE contract_guarantees SET finding_overlap = 'keep' WHERE guarantee_id = $1`, [retail30Generic.guaranteeId]);
    try {
      const kept = await reconcile(clientX!.clientId, p1.periodId);
      const bucket = kept.run.buckets.find((b) => b.guaranteeId === retail30Generic.guaranteeId)!;
      expect(bucket.moved).toMatchObject({
        rule: 'kept',
        claimCount: retail30Generic.moved!.claimCount,
        removedClaims: 0,
      });
      expect(bucket.claimCount).toBe(retail30Generic.claimCount + retail30Generic.moved!.removedClaims);
      expect(kept.run.summary!.findingOverlap.kept).toBe(bucket.moved!.ingredientCostPaid);
      const oracle = await oracleFor(clientX!.clientId, p1.periodId, p1.startDate, p1.endDate);
      expect(kept.run.summary!.guaranteeShortfall).toBe(oracle.guaranteeShortfall);
      // The oracle's ledger sees exactly that term's finding claims counted twice: the check can fail.
      expect(oracle.countedTwice.length).toBeGreaterThan(0);
      expect(oracle.countedTwice.length).toBeLessThanOrEqual(bucket.moved!.claimCount);
    } finally {
      await ds.query(`UPDATE contract_guarantees SET finding_overlap = NULL WHERE guarantee_id = $1`, [retail30Generic.guaranteeId]);
    }
  });

  it('reconciles an amendment dated from July over the second half only: January to June keep the schedule, one aggregate query splits the year', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const x = clientX!.clientId;
    const before = await reconcile(x, p1.periodId);
    const mid = `${p1.startDate.slice(0, 4)}-07-01`;
    const [amended] = await ds.query(
      `SELECT guarantee_id, guaranteed_value::text AS value FROM contract_guarantees
          WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'mail' AND drug_type = 'generic'`,
      [x, p1.periodId],
    );
    const [fee] = await ds.query(
      `SELECT guarantee_id FROM contract_guarantees WHERE client_id = $1 AND period_id = $2 AND metric = 'dispensing_fee' AND channel = 'retail30'`,
      [x, p1.periodId],
    );
    const amend = (id: string, value: string) =>
      ds.query(
        `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
             evidence_source, evidence_object_id, evidence_sha256, evidence_locator, offset_group, effective_from)
           SELECT guarantee_id, version + 1, client_id, period_id, metric, channel, drug_type, $2, method, exclusions,
             'contract-packet', 'amendment-1', NULL, 'p2 Term 2025-07-01', offset_group, $3
           FROM contract_guarantees WHERE guarantee_id = $1 AND version = 1`,
        [id, value, mid],
      );
    // The mail generic discount rises a point from July; the retail30 fee ceiling drops to $0.25.
    await amend(amended.guarantee_id, (Number(amended.value) + 0.01).toFixed(6));
    await amend(fee.guarantee_id, '0.25');
    try {
      const after = await reconcile(x, p1.periodId);
      const oracle = await oracleFor(x, p1.periodId, p1.startDate, p1.endDate);
      const keyOf = (b: { guaranteeId: string; effectiveFrom: string | null }) => `${b.guaranteeId}@${b.effectiveFrom}`;
      for (const b of after.run.buckets)
        expect([keyOf(b), b.shortfall, b.claimCount]).toEqual([keyOf(b), oracle.buckets.get(keyOf(b))?.shortfall, oracle.buckets.get(keyOf(b))?.claimCount]);
      expect(after.run.summary!.guaranteeShortfall).toBe(oracle.guaranteeShortfall);
      const halves = after.run.buckets.filter((b) => b.guaranteeId === amended.guarantee_id);
      expect(halves.map((b) => [b.guaranteeVersion, b.effectiveFrom, b.effectiveTo])).toEqual([
        [1, p1.startDate, `${p1.startDate.slice(0, 4)}-06-30`],
        [2, mid, p1.endDate],
      ]);
      const whole = before.run.buckets.find((b) => b.guaranteeId === amended.guarantee_id)!;
      expect(halves[0]!.claimCount + halves[1]!.claimCount).toBe(whole.claimCount);
      // January to June are reconciled exactly as before the amendment: the same figures as the
      // schedule alone over those months.
      const firstHalf = oracleReconcile(
        await claimsOf(x),
        // The schedule as it was: every term's first version, over the whole year.
        (await new GuaranteesRepository(ds).versionsForPeriod(x, p1.periodId))
          .filter((g) => g.version === 1)
          .map((g) => ({ ...g, exclusions: [...g.exclusions] })),
        x,
        p1.startDate,
        `${p1.startDate.slice(0, 4)}-06-30`,
      ).buckets.get(`${amended.guarantee_id}@${p1.startDate}`)!;
      expect({
        claimCount: halves[0]!.claimCount,
        awp: halves[0]!.awp,
        ingredientCostPaid: halves[0]!.ingredientCostPaid,
        variance: halves[0]!.variance,
      }).toEqual({
        claimCount: firstHalf.claimCount,
        awp: firstHalf.awp,
        ingredientCostPaid: firstHalf.ingredientCostPaid,
        variance: firstHalf.variance,
      });
      // Only claims filled from July gained or lost a fee finding.
      const feeIds = (fs: typeof after.findings) => new Set(fs.filter((f) => f.kind === 'fee_above_contract').map((f) => f.claimId));
      const changed = [...feeIds(after.findings)].filter((id) => !feeIds(before.findings).has(id));
      expect(changed.length).toBeGreaterThan(0);
      const dates = await ds.query(`SELECT MIN(fill_date)::text AS first FROM claims WHERE claim_id = ANY($1)`, [changed]);
      expect(dates[0].first >= mid).toBe(true);
      // Still one pass over the claims: one aggregate query, split by a CASE on the fill date.
      const inputs = JSON.parse(
        (await lake.read(contentKey('artifacts', after.run.artifacts.find((a) => a.name === 'run-inputs.json')!.sha256))).toString(),
      ) as { queries: Array<{ name: string; text: string }> };
      const aggregates = inputs.queries.filter((q) => q.name === 'bucket-aggregates');
      expect(aggregates).toHaveLength(1);
      expect(aggregates[0]!.text).toContain('AS segment');
    } finally {
      await ds.query(`DELETE FROM contract_guarantees WHERE guarantee_id = ANY($1) AND version = 2`, [[amended.guarantee_id, fee.guarantee_id]]);
    }
  });

  it("re-derives brand/generic from MONY and DAW under the contract's definition: a brand claim on a generic is held to the generic term's discount, citing the claim and that term; a reclassification in the client's favour is no finding; seeded claims carry them", async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { run, findings } = await reconcile(clientX!.clientId, p1.periodId);
    const [generic] = await ds.query(
      `SELECT guarantee_id, guaranteed_value::text AS value, evidence_locator FROM contract_guarantees
          WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'retail30' AND drug_type = 'generic'`,
      [clientX!.clientId, p1.periodId],
    );
    // Held to the generic discount: AWP x (1 - d) is what it may cost; the rest is at stake.
    const atStake = (awp: number, ic: number) => (Math.round((ic - awp * (1 - Number(generic.value))) * 100) / 100).toFixed(2);
    for (const [id, awp, ic] of [
      ['EDGE-RECLASS-Y', 100, 80],
      ['EDGE-RECLASS-DAW5', 50, 41.25],
    ] as const) {
      const f = findings.find((x) => x.claimId === id);
      expect(f).toMatchObject({
        kind: 'brand_generic_reclass',
        impact: atStake(awp, ic),
        guaranteeId: generic.guarantee_id,
      });
      expect(f!.evidence.map((e) => e.objectId)).toContain(id);
      expect(f!.evidence.map((e) => e.locator)).toContain(generic.evidence_locator);
      expect(f!.detail).toContain('MONY');
    }
    expect(findings.some((f) => f.claimId === 'EDGE-RECLASS-FAVOUR')).toBe(false);
    // Not only the planted ones: the generator types about one brand claim in a hundred on a
    // multi-source generic, in every client's book.
    const [planted] = await ds.query(
      `SELECT COUNT(*) FILTER (WHERE mony_code = 'Y')::int AS on_generic, COUNT(*)::int AS brand
           FROM claims WHERE drug_type = 'brand' AND NOT is_reversal AND claim_id NOT LIKE 'EDGE%'`,
    );
    expect(planted.on_generic).toBeGreaterThan(0);
    expect(planted.on_generic).toBeLessThan(planted.brand * 0.03);
    // The client and period with most of them: reconciled, each agrees with the oracle to the cent.
    const [busiest] = await ds.query(
      `SELECT p.client_id, p.period_id FROM claims c JOIN contract_periods p
            ON p.client_id = c.client_id AND c.fill_date BETWEEN p.start_date AND p.end_date
          WHERE c.drug_type = 'brand' AND c.mony_code = 'Y' AND c.claim_id NOT LIKE 'EDGE%'
          GROUP BY p.client_id, p.period_id ORDER BY COUNT(*) DESC, p.period_id LIMIT 1`,
    );
    const other = await reconcile(busiest.client_id, busiest.period_id);
    const oracle = await oracleFor(busiest.client_id, busiest.period_id, other.period.startDate, other.period.endDate);
    const reclassOf = (fs: ReadonlyArray<{ kind: string; claimId: string | null; impact: string }>) =>
      fs
        .filter((f) => f.kind === 'brand_generic_reclass')
        .map((f) => `${f.claimId} ${f.impact}`)
        .sort();
    expect(reclassOf(other.findings).length).toBeGreaterThan(0);
    expect(reclassOf(other.findings)).toEqual(reclassOf(oracle.findings));
    // Its dollars leave the brand bucket it was measured in, so they are owed once.
    const reclassified = run.buckets.find((b) => b.metric === 'awp_discount' && b.channel === 'retail30' && b.drugType === 'brand')!;
    expect(reclassified.moved!.claimCount).toBeGreaterThanOrEqual(2);
    // The run records which optional checks its mapping let it run.
    const inputs = JSON.parse((await lake.read(contentKey('artifacts', run.artifacts.find((a) => a.name === 'run-inputs.json')!.sha256))).toString()) as {
      auditRules: { runs: string[] };
    };
    expect(inputs.auditRules.runs).toContain('brand_generic_reclass');
  });

  it('finds a refill too soon across pharmacies and NDCs by GPI, recovers the claim whole, and finds the ones the generator plants, agreeing with the oracle', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { run, findings } = await reconcile(clientX!.clientId, p1.periodId);
    const refill = findings.find((f) => f.claimId === 'EDGE-REFILL-2');
    expect(refill).toMatchObject({ kind: 'refill_too_soon' });
    expect(refill!.evidence.map((e) => e.objectId)).toEqual(expect.arrayContaining(['EDGE-REFILL-2', 'EDGE-REFILL-1']));
    const [paid] = await ds.query(`SELECT (ingredient_cost_paid + dispensing_fee_paid)::text AS paid FROM claims WHERE claim_id = 'EDGE-REFILL-2'`);
    // The contracted retail30 fee is at most what was paid: the impact is the claim, fee capped.
    expect(Number(refill!.impact)).toBeLessThanOrEqual(Number(paid.paid));
    expect(Number(refill!.impact)).toBeGreaterThan(4);
    expect(findings.some((f) => f.claimId === 'EDGE-REFILL-3')).toBe(false);
    expect(findings.some((f) => f.claimId === 'EDGE-REFILL-1')).toBe(false);
    const generic = run.buckets.find((b) => b.metric === 'awp_discount' && b.channel === 'retail30' && b.drugType === 'generic')!;
    expect(generic.moved!.removedClaims).toBeGreaterThanOrEqual(2);
    // The generator's early refills at another pharmacy, in the client and period with most.
    const [busiest] = await ds.query(
      `SELECT p.client_id, p.period_id FROM claims c JOIN claims e ON e.client_id = c.client_id AND e.member_id = c.member_id
             AND e.gpi = c.gpi AND e.fill_date = c.fill_date AND e.pharmacy_npi <> c.pharmacy_npi AND e.claim_id < c.claim_id
           JOIN contract_periods p ON p.client_id = c.client_id AND c.fill_date BETWEEN p.start_date AND p.end_date
          WHERE NOT c.is_reversal AND c.claim_id NOT LIKE 'EDGE%'
          GROUP BY p.client_id, p.period_id ORDER BY COUNT(*) DESC, p.period_id LIMIT 1`,
    );
    const other = await reconcile(busiest.client_id, busiest.period_id);
    const oracle = await oracleFor(busiest.client_id, busiest.period_id, other.period.startDate, other.period.endDate);
    const refills = (fs: ReadonlyArray<{ kind: string; claimId: string | null; impact: string }>) =>
      fs
        .filter((f) => f.kind === 'refill_too_soon')
        .map((f) => `${f.claimId} ${f.impact}`)
        .sort();
    expect(refills(other.findings).length).toBeGreaterThan(0);
    expect(refills(other.findings)).toEqual(refills(oracle.findings));
    expect(oracle.countedTwice).toEqual([]);
  });

  /** The generator's findings of one kind, in the client and period with most: agreeing with the oracle to the cent. */
  async function busiestAgreeing(kind: string, busiestSql: string) {
    const [busiest] = await ds.query(busiestSql);
    const other = await reconcile(busiest.client_id, busiest.period_id);
    const oracle = await oracleFor(busiest.client_id, busiest.period_id, other.period.startDate, other.period.endDate);
    const ofKind = (fs: ReadonlyArray<{ kind: string; claimId: string | null; impact: string }>) =>
      fs
        .filter((f) => f.kind === kind)
        .map((f) => `${f.claimId} ${f.impact}`)
        .sort();
    expect(ofKind(other.findings).length).toBeGreaterThan(0);
    expect(ofKind(other.findings)).toEqual(ofKind(oracle.findings));
    expect(oracle.countedTwice).toEqual([]);
    return other;
  }

  it("finds a days supply above its channel's maximum and recovers the cost of the days beyond it; a 100-day mail fill is no finding; the generator's 90-day fills at retail-30 pharmacies agree with the oracle", async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { run, findings } = await reconcile(clientX!.clientId, p1.periodId);
    // 45 days at retail (34 at most): 11/45 of the 40.00 ingredient cost, rounded half up.
    expect(findings.find((f) => f.claimId === 'EDGE-DAYS-45')).toMatchObject({ kind: 'implausible_days_supply', impact: '9.78' });
    expect(findings.find((f) => f.claimId === 'EDGE-DAYS-45')!.detail).toContain('34');
    expect(findings.some((f) => f.claimId === 'EDGE-DAYS-MAIL-100' && f.kind === 'implausible_days_supply')).toBe(false);
    // Its dollars leave the generic retail30 term that measured the claim: owed once.
    const generic = run.buckets.find((b) => b.metric === 'awp_discount' && b.channel === 'retail30' && b.drugType === 'generic')!;
    expect(generic.moved!.claimCount).toBeGreaterThan(0);
    await busiestAgreeing(
      'implausible_days_supply',
      `SELECT p.client_id, p.period_id FROM claims c JOIN contract_periods p
          ON p.client_id = c.client_id AND c.fill_date BETWEEN p.start_date AND p.end_date
        WHERE c.channel = 'retail30' AND c.days_supply > 34 AND NOT c.is_reversal AND c.claim_id NOT LIKE 'EDGE%'
        GROUP BY p.client_id, p.period_id ORDER BY COUNT(*) DESC, p.period_id LIMIT 1`,
    );
  });

  it('finds a DAW 2 multi-source brand whose member paid less than its cost above the generic discount, held to the generic term and citing it; a member who paid the penalty, and DAW 1, are no finding; seeded ones agree with the oracle', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const { findings } = await reconcile(clientX!.clientId, p1.periodId);
    const [generic] = await ds.query(
      `SELECT guarantee_id, guaranteed_value::text AS value, evidence_locator FROM contract_guarantees
          WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'retail30' AND drug_type = 'generic'`,
      [clientX!.clientId, p1.periodId],
    );
    // AWP 100.00, cost 80.00: the generic would have cost 100 x (1 - d); the member paid 5.00 of the rest.
    const penalty = (Math.round((80 - 100 * (1 - Number(generic.value))) * 100) / 100 - 5).toFixed(2);
    const f = findings.find((x) => x.claimId === 'EDGE-DAW2-UNPAID');
    expect(f).toMatchObject({ kind: 'daw_penalty', impact: penalty, guaranteeId: generic.guarantee_id });
    expect(f!.evidence.map((e) => e.locator)).toContain(generic.evidence_locator);
    expect(f!.detail).toContain('DAW 2');
    expect(findings.some((x) => x.claimId === 'EDGE-DAW2-PAID')).toBe(false);
    expect(findings.some((x) => x.claimId === 'EDGE-DAW1')).toBe(false);
    const other = await busiestAgreeing(
      'daw_penalty',
      `SELECT p.client_id, p.period_id FROM claims c JOIN contract_periods p
          ON p.client_id = c.client_id AND c.fill_date BETWEEN p.start_date AND p.end_date
        WHERE c.daw_code = 2 AND c.mony_code IN ('M', 'O') AND c.patient_pay_amount <= 60 AND NOT c.is_reversal AND c.claim_id NOT LIKE 'EDGE%'
          AND NOT c.is_compound AND NOT c.is_340b AND NOT c.is_uc_priced
        GROUP BY p.client_id, p.period_id ORDER BY COUNT(*) DESC, p.period_id LIMIT 1`,
    );
    const inputs = JSON.parse((await lake.read(contentKey('artifacts', other.run.artifacts.find((a) => a.name === 'run-inputs.json')!.sha256))).toString()) as {
      auditRules: { runs: string[] };
    };
    expect(inputs.auditRules.runs).toContain('daw_penalty');
  });

  it('replays: the same inputs give the same inputs hash and byte-identical artifacts; a changed claim changes them', async () => {
    const p1 = periodsOf(clientX!.clientId)[0]!;
    const first = await reconcile(clientX!.clientId, p1.periodId);
    const second = await reconcile(clientX!.clientId, p1.periodId);
    expect(second.run.runId).not.toBe(first.run.runId);
    expect(second.run.inputsSha256).toBe(first.run.inputsSha256);
    expect(second.run.artifacts.map((a) => [a.name, a.sha256])).toEqual(first.run.artifacts.map((a) => [a.name, a.sha256]));

    await ds.query(`UPDATE claims SET ingredient_cost_paid = ingredient_cost_paid + 0.01 WHERE claim_id = 'EDGE-DUP-1'`);
    const third = await reconcile(clientX!.clientId, p1.periodId);
    expect(third.run.inputsSha256).not.toBe(first.run.inputsSha256);
    await ds.query(`UPDATE claims SET ingredient_cost_paid = ingredient_cost_paid - 0.01 WHERE claim_id = 'EDGE-DUP-1'`);
  });

  /** Edge cases the generator does not plant on its own, all for client X's first period. */
  async function plantEdgeCases(ds: DataSource): Promise<void> {
    const [p1, p2] = periodsOf(clientX!.clientId);
    const x = clientX!.clientId;
    const cols = `claim_id, client_id, member_id, pharmacy_npi, fill_date, ndc, drug_name, drug_type, channel, days_supply, quantity, awp, ingredient_cost_paid, dispensing_fee_paid, usual_and_customary, is_compound, is_340b, is_reversal, reverses_claim_id, is_uc_priced`;
    const row = (id: string, date: string, o: Partial<Record<string, string | number | boolean | null>> = {}) => {
      const v = {
        member: 'MEDGE0001',
        npi: '1234567890',
        ndc: '00000000001',
        type: 'generic',
        channel: 'retail30',
        days: 30,
        awp: '20.00',
        ic: '4.00',
        fee: '1.00',
        uc: '30.00',
        reversal: false,
        reverses: null,
        ...o,
      };
      return ds.query(`INSERT INTO claims (${cols}) VALUES ($1,$2,$3,$4,$5,$6,'EDGE DRUG',$7,$8,$9,'30.000',$10,$11,$12,$13,false,false,$14,$15,false)`, [
        id,
        x,
        v.member,
        v.npi,
        date,
        v.ndc,
        v.type,
        v.channel,
        v.days,
        v.awp,
        v.ic,
        v.fee,
        v.uc,
        v.reversal,
        v.reverses,
      ]);
    };
    const mid = p1!.startDate.slice(0, 8) + '15';
    await row('EDGE-ZERO-AWP', mid, {
      awp: '0.00',
      ic: '4.00',
      member: 'MEDGE0002',
    });
    await row('EDGE-ABOVE-UC', mid, {
      member: 'MEDGE0005',
      awp: '40.00',
      ic: '25.00',
      uc: '10.00',
    });
    await row('EDGE-SHORT-90', mid, {
      member: 'MEDGE0006',
      channel: 'retail90',
      days: 30,
    });
    await row('EDGE-DUP-1', mid, { member: 'MEDGE0003' });
    await row('EDGE-DUP-2', mid, { member: 'MEDGE0003' });
    // Filled on the last day of the period, reversed in the next one: it must not count in either.
    await row('EDGE-REVERSED', p1!.endDate, {
      member: 'MEDGE0004',
      ic: '25.00',
      uc: '10.00',
    });
    await row('EDGE-REVERSAL', p2?.startDate ?? '2099-01-01', {
      member: 'MEDGE0004',
      ic: '-25.00',
      awp: '-20.00',
      fee: '-1.00',
      uc: '-10.00',
      reversal: true,
      reverses: 'EDGE-REVERSED',
    });
    // Brand/generic as billed against the contract's MONY + DAW definition: a brand claim on a
    // multi-source generic, a brand dispensed as generic (DAW 5), and a generic claim the
    // definition makes brand (in the client's favour: no dollars at stake).
    await row('EDGE-RECLASS-Y', mid, {
      member: 'MEDGE0007',
      type: 'brand',
      awp: '100.00',
      ic: '80.00',
      uc: '200.00',
    });
    await row('EDGE-RECLASS-DAW5', mid, {
      member: 'MEDGE0008',
      type: 'brand',
      awp: '50.00',
      ic: '41.25',
      uc: '200.00',
    });
    await row('EDGE-RECLASS-FAVOUR', mid, { member: 'MEDGE0009' });
    for (const [id, mony, daw] of [
      ['EDGE-RECLASS-Y', 'Y', 0],
      ['EDGE-RECLASS-DAW5', 'O', 5],
      ['EDGE-RECLASS-FAVOUR', 'O', 1],
    ] as const)
      await ds.query(`UPDATE claims SET mony_code = $2, daw_code = $3 WHERE claim_id = $1`, [id, mony, daw]);
    // One member's fills of one GPI: a refill 10 days into a 30-day supply at another pharmacy
    // and NDC (too soon), then one 39 days after it (not).
    const y = p1!.startDate.slice(0, 4);
    await row('EDGE-REFILL-1', `${y}-03-01`, { member: 'MEDGE0010' });
    await row('EDGE-REFILL-2', `${y}-03-11`, {
      member: 'MEDGE0010',
      npi: '1999999999',
      ndc: '00000000002',
    });
    await row('EDGE-REFILL-3', `${y}-04-19`, { member: 'MEDGE0010' });
    await ds.query(`UPDATE claims SET gpi = '12345678901234' WHERE claim_id LIKE 'EDGE-REFILL-%'`);
    // A 45-day retail fill (34 at most), and a 100-day mail fill (102 at most: plausible).
    await row('EDGE-DAYS-45', mid, { member: 'MEDGE0011', days: 45, awp: '60.00', ic: '40.00', uc: '90.00' });
    await row('EDGE-DAYS-MAIL-100', mid, { member: 'MEDGE0012', channel: 'mail', days: 100 });
    // DAW 2 on an originator: the member paid 5.00 (the plan paid the penalty), or the penalty
    // (78.00); DAW 1 (the prescriber's choice) carries none.
    for (const [id, member, daw, pay] of [
      ['EDGE-DAW2-UNPAID', 'MEDGE0013', 2, '5.00'],
      ['EDGE-DAW2-PAID', 'MEDGE0014', 2, '78.00'],
      ['EDGE-DAW1', 'MEDGE0015', 1, '5.00'],
    ] as const) {
      await row(id, mid, { member, type: 'brand', awp: '100.00', ic: '80.00', uc: '200.00' });
      await ds.query(`UPDATE claims SET mony_code = 'O', daw_code = $2, patient_pay_amount = $3 WHERE claim_id = $1`, [id, daw, pay]);
    }
    // A bucket with claims but no guarantee, and two terms that may offset each other.
    await ds.query(
      `DELETE FROM contract_guarantees WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'specialty' AND drug_type = 'brand'`,
      [x, p1!.periodId],
    );
    await ds.query(
      `UPDATE contract_guarantees SET offset_group = 'retail30' WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'retail30'`,
      [x, p1!.periodId],
    );
    // Every claim of client Y carries an exclusion that every term honours.
    await ds.query(`UPDATE claims SET is_compound = true WHERE client_id = $1`, [clientY!.clientId]);
  }
});
