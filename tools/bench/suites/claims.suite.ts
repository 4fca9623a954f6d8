import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  ClaimsSource,
  GuaranteesRepository,
  canonicalClaimsMapping,
  claimsRuntimeEntities,
  claimsRuntimeMigrations,
  normalizeMoney,
} from '@leaf/claims-runtime/data-access';
import { computeReconciliation, planReconciliation, type BucketAggregate, type ReconciliationPlan } from '@leaf/claims-runtime/domain';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { writeSeedCsv, type SeedOptions } from '@leaf/synthetic-data';
import type { DataSource } from 'typeorm';
import { defineSuite, type BenchCase } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';
import { workbookBenchCase, type WorkbookBenchContext } from './claims-reports';
import { handWrittenAggregateSql } from './claims-reference.sql';
import { handWrittenAuditSql } from './claims-audit-reference.sql';
import { psqlCopy } from './psql-copy';

interface ClaimsContext extends WorkbookBenchContext {
  readonly adminUrl: string;
  readonly db: BenchDatabase;
  readonly ds: DataSource;
  readonly duck: DuckDBConnection;
  readonly duckVersion: string;
  readonly plan: ReconciliationPlan;
  readonly fees: ReadonlyArray<readonly [string, string]>;
  readonly dir: string;
  readonly log: (message: string) => void;
}

const rounds = 3;

async function headerOf(path: string): Promise<string> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString().split('\n')[0]!.trim();
  } finally {
    await handle.close();
  }
}

/** The figures all three must agree on, per channel x drug type, as exact decimal strings. */
type Sums = Map<string, string>;

function engineSums(rows: readonly BucketAggregate[], plan: ReconciliationPlan): Sums {
  const sums: Sums = new Map();
  const setIndex = (key: string) => plan.exclusionSets.findIndex((s) => [...s].sort().join(',') === key);
  const awp = setIndex('340b,compound,uc_priced');
  for (const r of rows) {
    const fee = plan.feeGuarantees.findIndex((g) => g.channel === r.channel);
    const s = r.sets[awp]!;
    sums.set(
      `${r.channel}/${r.drugType}/${r.segment}`,
      [r.netClaims, r.excludedClaims, r.awp, r.ingredientCost, s.claims, s.awp, s.ingredientCost, s.dispensingFee, r.feeExcess[fee]?.amount ?? '0.00'].join(
        ' ',
      ),
    );
  }
  return sums;
}

function referenceSums(rows: ReadonlyArray<Record<string, unknown>>): Sums {
  const text = (v: unknown) => normalizeMoney(v === null || v === undefined ? null : String(v));
  return new Map(
    rows.map((r) => [
      `${r['channel']}/${r['drug_type']}/${Number(r['segment'] ?? 0)}`,
      [
        Number(r['net_claims']),
        Number(r['excluded_claims']),
        text(r['awp']),
        text(r['ingredient_cost']),
        Number(r['n_awp']),
        text(r['awp_awp']),
        text(r['ic_awp']),
        text(r['fee_awp']),
        text(r['fee_excess']),
      ].join(' '),
    ]),
  );
}

function assertAgree(name: string, ours: Sums, theirs: Sums): void {
  const a = JSON.stringify([...ours].sort());
  const b = JSON.stringify([...theirs].sort());
  if (a !== b) throw new Error(`the engine and ${name} disagree:\n engine ${a}\n ${name} ${b}`);
}

async function best(run: () => Promise<void>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const engineAggregation = async (ctx: ClaimsContext): Promise<BucketAggregate[]> => {
  const rows = await new ClaimsSource(ctx.ds, canonicalClaimsMapping).bucketAggregates(ctx.plan);
  computeReconciliation(ctx.plan, rows);
  return rows;
};

/**
 * The engine's aggregation against one reference running the hand-written query: first both must
 * agree to the cent, then each is timed (best of `rounds`).
 */
function aggregatesCase(
  name: string,
  reference: (ctx: ClaimsContext) => {
    name: string;
    rows: (sql: string, params: string[]) => Promise<Array<Record<string, unknown>>>;
  },
): BenchCase<ClaimsContext> {
  return {
    name,
    unit: 'ms',
    kind: 'time',
    async measure(ctx) {
      const sql = handWrittenAggregateSql(ctx.fees, (i) => `$${i + 1}`, ctx.plan.segmentStarts);
      const params = [ctx.plan.clientId, ctx.plan.periodStart, ctx.plan.periodEnd, ...ctx.plan.segmentStarts];
      const ref = reference(ctx);
      assertAgree(ref.name, engineSums(await engineAggregation(ctx), ctx.plan), referenceSums(await ref.rows(sql, params)));
      const theirs = await best(async () => void (await ref.rows(sql, params)));
      const ours = await best(async () => void (await engineAggregation(ctx)));
      return {
        value: Math.round(ours),
        reference: { name: ref.name, value: Math.round(theirs) },
      };
    },
  };
}

const versusHandWritten = aggregatesCase('reconcile-aggregates-vs-hand-written-postgres', (ctx) => ({
  name: 'hand-written GROUP BY (PostgreSQL 15)',
  rows: (sql, params) => ctx.ds.query(sql, params),
}));

const versusDuckDb = aggregatesCase('reconcile-aggregates-vs-duckdb', (ctx) => ({
  name: `DuckDB ${ctx.duckVersion}, same aggregates, in memory`,
  rows: async (sql, params) => (await ctx.duck.runAndReadAll(sql, params)).getRowObjectsJson() as Array<Record<string, unknown>>,
}));

/** Findings by kind: how many and their impact, exact. */
function auditTotals(rows: ReadonlyArray<{ kind: unknown; impact: unknown }>): Sums {
  const byKind = new Map<string, { n: number; cents: bigint }>();
  for (const r of rows) {
    const k = String(r.kind);
    const t = byKind.get(k) ?? { n: 0, cents: 0n };
    t.n += 1;
    t.cents += BigInt(normalizeMoney(String(r.impact)).replace('.', ''));
    byKind.set(k, t);
  }
  return new Map([...byKind].map(([k, t]) => [k, `${t.n} ${t.cents}`]));
}

const engineAudit = (ctx: ClaimsContext) => new ClaimsSource(ctx.ds, canonicalClaimsMapping).auditRows(ctx.plan);

/**
 * The engine's per-claim audit scan (with the brand/generic reclassification, refill too soon, implausible days supply and DAW penalty of issue 19) against
 * the same rules written by hand: both must find the same findings by kind to the cent, then each
 * is timed (best of `rounds`).
 */
function auditCase(
  name: string,
  reference: (ctx: ClaimsContext) => {
    name: string;
    rows: (sql: string, params: string[]) => Promise<Array<Record<string, unknown>>>;
  },
): BenchCase<ClaimsContext> {
  return {
    name,
    unit: 'ms',
    kind: 'time',
    async measure(ctx) {
      const sql = handWrittenAuditSql(ctx.plan, (i) => `$${i + 1}`);
      const params = [ctx.plan.clientId, ctx.plan.periodStart, ctx.plan.periodEnd];
      const ref = reference(ctx);
      const ours = auditTotals(await engineAudit(ctx));
      for (const kind of ['brand_generic_reclass', 'refill_too_soon', 'implausible_days_supply', 'daw_penalty'])
        if (!ours.get(kind)) throw new Error(`the audit found no ${kind}: the comparison would be vacuous`);
      assertAgree(ref.name, ours, auditTotals((await ref.rows(sql, params)) as Array<{ kind: unknown; impact: unknown }>));
      const theirs = await best(async () => void (await ref.rows(sql, params)));
      const mine = await best(async () => void (await engineAudit(ctx)));
      return {
        value: Math.round(mine),
        reference: { name: ref.name, value: Math.round(theirs) },
      };
    },
  };
}

const auditVersusHandWritten = auditCase('audit-findings-vs-hand-written-postgres', (ctx) => ({
  name: 'hand-written audit (PostgreSQL 15)',
  rows: (sql, params) => ctx.ds.query(sql, params),
}));

const auditVersusDuckDb = auditCase('audit-findings-vs-duckdb', (ctx) => ({
  name: `DuckDB ${ctx.duckVersion}, same audit, in memory`,
  rows: async (sql, params) => (await ctx.duck.runAndReadAll(sql, params)).getRowObjectsJson() as Array<Record<string, unknown>>,
}));

export const claimsSuite = defineSuite<ClaimsContext>({
  name: 'claims',
  description:
    'reconciliation aggregates and the per-claim audit (with the brand/generic reclassification) on PostgreSQL vs hand-written SQL and DuckDB (all agreeing to the cent), and the workbook writer (--claims, default 10000000)',

  async setup({ claims = 10_000_000, log }) {
    const adminUrl = benchAdminUrl();
    const options: SeedOptions = { seed: 20_251_123, claims };
    const dir = await mkdtemp(join(tmpdir(), 'leaf-bench-claims-'));
    const db = await createBenchDatabase(adminUrl, 'claims');
    try {
      log(`writing ${claims} generated claims as CSV`);
      const csv = await writeSeedCsv(options, dir);
      const ds = await createDataSource(
        { kind: 'postgres', url: db.url },
        {
          migrations: claimsRuntimeMigrations.postgres,
          entities: claimsRuntimeEntities,
        },
      ).initialize();
      await runMigrations(ds);
      for (const table of ['clients', 'contract_periods', 'contract_guarantees', 'claims'] as const) {
        const file = csv.files.find((f) => f.table === table)!;
        log(`loading ${table} into PostgreSQL`);
        await psqlCopy(db.url, table, file.path, (await headerOf(file.path)).split(','));
      }
      await ds.query('ANALYZE');

      log('loading the same claims into DuckDB');
      const duck = await (await DuckDBInstance.create(':memory:')).connect();
      await duck.run(`CREATE TABLE claims (claim_id VARCHAR, client_id VARCHAR, member_id VARCHAR, pharmacy_npi VARCHAR, fill_date DATE, ndc VARCHAR, drug_name VARCHAR,
        drug_type VARCHAR, channel VARCHAR, days_supply INTEGER, quantity DECIMAL(12,3), awp DECIMAL(14,2), ingredient_cost_paid DECIMAL(14,2),
        dispensing_fee_paid DECIMAL(10,2), usual_and_customary DECIMAL(14,2), is_compound BOOLEAN, is_340b BOOLEAN, is_reversal BOOLEAN,
        reverses_claim_id VARCHAR, is_uc_priced BOOLEAN, basis_of_reimbursement VARCHAR, mony_code VARCHAR, daw_code SMALLINT, gpi VARCHAR,
        pharmacy_network_status VARCHAR, pharmacy_type VARCHAR, adjudication_date DATE, pharmacy_ingredient_cost_paid DECIMAL(14,2),
        patient_pay_amount DECIMAL(14,2))`);
      const duckVersion = String((await duck.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0]?.['v'] ?? '?');
      await duck.run(`COPY claims FROM '${csv.files.find((f) => f.table === 'claims')!.path}' (HEADER)`);

      // The biggest client's first contract year.
      const [{ client_id: clientId }] = await ds.query(`SELECT client_id FROM claims GROUP BY client_id ORDER BY COUNT(*) DESC LIMIT 1`);
      const [period] = await ds.query(
        `SELECT period_id, TO_CHAR(start_date, 'YYYY-MM-DD') AS s, TO_CHAR(end_date, 'YYYY-MM-DD') AS e FROM contract_periods WHERE client_id = $1 ORDER BY start_date LIMIT 1`,
        [clientId],
      );
      // An amendment: the mail generic discount rises half a point from July, so the query splits
      // the year in two (effective dating, still one pass).
      const amendedFrom = `${period.s.slice(0, 4)}-07-01`;
      await ds.query(
        `INSERT INTO contract_guarantees (guarantee_id, version, client_id, period_id, metric, channel, drug_type, guaranteed_value, method, exclusions,
           evidence_source, evidence_object_id, evidence_sha256, evidence_locator, effective_from)
         SELECT guarantee_id, 2, client_id, period_id, metric, channel, drug_type, guaranteed_value + 0.005, method, exclusions,
           'contract-packet', 'bench-amendment', NULL, 'Term from July', $3
         FROM contract_guarantees WHERE client_id = $1 AND period_id = $2 AND metric = 'awp_discount' AND channel = 'mail' AND drug_type = 'generic'`,
        [clientId, period.period_id, amendedFrom],
      );
      const terms = await new GuaranteesRepository(ds).versionsForPeriod(clientId, period.period_id);
      const plan = planReconciliation({
        clientId,
        periodId: period.period_id,
        periodStart: period.s,
        periodEnd: period.e,
        guarantees: terms,
      });
      const fees = plan.feeGuarantees.map((g) => [g.channel ?? '', g.guaranteedValue] as const);
      const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM claims WHERE client_id = $1 AND fill_date BETWEEN $2 AND $3`, [clientId, period.s, period.e]);
      log(`reconciling ${clientId} ${period.period_id}: ${n} of ${claims} claims in the period`);
      return { adminUrl, db, ds, duck, duckVersion, plan, fees, dir, log };
    } catch (error) {
      await dropBenchDatabases(adminUrl, [db]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },

  async teardown({ adminUrl, db, ds, duck, dir }) {
    duck.closeSync();
    await ds.destroy();
    await dropBenchDatabases(adminUrl, [db]);
    await rm(dir, { recursive: true, force: true });
  },

  cases: [versusHandWritten, versusDuckDb, auditVersusHandWritten, auditVersusDuckDb, workbookBenchCase as BenchCase<ClaimsContext>],
});
