import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Claim } from '@leaf/contracts';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { Client } from 'pg';
import { writeSeedCsv } from '../csv/seed-csv.writer';
import { isSyntheticDataError } from '../errors/synthetic-data.error';
import { GENERATOR_VERSION } from '../seed/generator-version';
import { createSyntheticSeed, type SyntheticSeed } from '../seed/synthetic-seed.factory';
import { sumMoneyBy } from '../testing/claim-aggregates.oracle';
import { toUnits } from '@leaf/contracts';
import { loadSeedIntoPostgres } from './seed.loader';
import type { SeedTarget } from './seed-target';
import { isSeeded, readSeedRun } from './seed-runs.repository';

const tables = ['clients', 'contract_periods', 'contract_guarantees', 'claims', 'seed_runs'] as const;

/** The same seed, except that its 20,001st row repeats a claim id: the primary key stops the COPY there. */
function withDuplicateClaimAt(seed: SyntheticSeed, row: number): SyntheticSeed {
  return {
    ...seed,
    *claims(): Generator<Claim, void, undefined> {
      let count = 0;
      for (const claim of seed.claims()) {
        yield claim;
        if (++count === row) yield { ...claim };
      }
    },
  };
}

describe.each(testDatabaseTargets())('loadSeedIntoPostgres into $name', ({ name, create }) => {
  const seed = createSyntheticSeed({ seed: 42, claims: 30_000 });
  const generated = [...seed.claims()];
  let db: TestDatabase;
  let sql: Client;
  let target: SeedTarget;
  let csvDir: string;

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of tables) result[table] = Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return result;
  };

  beforeAll(async () => {
    db = await create();
    const ds = createDataSource({ kind: 'postgres', url: db.url }, { migrations: postgresMigrations });
    await ds.initialize();
    try {
      await runMigrations(ds);
    } finally {
      await ds.destroy();
    }
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    target = db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url };
    csvDir = await mkdtemp(join(tmpdir(), 'leaf-seed-load-'));
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
    if (csvDir) await rm(csvDir, { recursive: true, force: true });
  });

  it('leaves no row in any table when the load fails midway through the claims', async () => {
    // Through the caller's own connection on PostgreSQL, small blobs on PGlite: either way earlier COPYs succeeded.
    const failingTarget: SeedTarget = name === 'pglite' ? target : { kind: 'postgres', client: sql };
    const failure: unknown = await loadSeedIntoPostgres(failingTarget, withDuplicateClaimAt(seed, 20_000), {
      rowsPerChunk: 500,
      rowsPerBlob: 5_000,
    }).catch((error: unknown) => error);

    expect(isSyntheticDataError(failure, 'SYNTHETIC_LOAD_FAILED')).toBe(true);
    expect((failure as Error).message).toMatch(/failed at claims/);
    expect(await counts()).toEqual({ clients: 0, contract_periods: 0, contract_guarantees: 0, claims: 0, seed_runs: 0 });
    expect(await isSeeded(sql, seed.seedId)).toBe(false);
  });

  it('loads every table, records the seed run and hashes the claims exactly as the CSV writer does', async () => {
    const progress: Array<{ table: string; rows: number }> = [];
    const result = await loadSeedIntoPostgres(target, seed, { rowsPerBlob: 7_000, rowsPerChunk: 5_000, onProgress: (p) => progress.push(p) });
    const csv = await writeSeedCsv(seed, csvDir);

    expect(result.rows).toEqual({
      clients: seed.clients.length,
      contract_periods: seed.contractPeriods.length,
      contract_guarantees: seed.contractGuarantees.length,
      claims: 30_000,
    });
    expect(await counts()).toEqual({ ...result.rows, seed_runs: 1 });
    // Progress comes table by table, piece by piece, ending at each table's row count.
    expect(progress.filter((p) => p.table === 'claims').map((p) => p.rows)).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    expect([...new Set(progress.map((p) => p.table))]).toEqual(['clients', 'contract_periods', 'contract_guarantees', 'claims']);
    for (const table of ['clients', 'contract_periods', 'contract_guarantees'] as const) {
      expect(progress.filter((p) => p.table === table).at(-1)?.rows).toBe(result.rows[table]);
    }
    expect(result.contentSha256).toBe(csv.files.find((f) => f.table === 'claims')?.sha256);
    expect(await isSeeded(sql, 'seed-42-30000')).toBe(true);
    expect(await isSeeded(sql, 'seed-42-30001')).toBe(false);
    expect(await readSeedRun(sql, seed.seedId)).toEqual({
      seedId: 'seed-42-30000',
      generatorVersion: GENERATOR_VERSION,
      seed: 42,
      claimCount: 30_000,
      contentSha256: result.contentSha256,
      completedAt: expect.any(Date),
    });
  });

  it('holds exactly the amounts the generator streamed, to the cent', async () => {
    const rows = async (query: string) => new Map((await sql.query<{ k: string; v: string }>(query)).rows.map((r) => [r.k, r.v]));

    expect(await rows('SELECT channel AS k, sum(awp)::text AS v FROM claims GROUP BY channel ORDER BY channel')).toEqual(
      sumMoneyBy(generated, 'awp', (c) => c.channel),
    );
    expect(await rows('SELECT client_id AS k, sum(ingredient_cost_paid)::text AS v FROM claims GROUP BY client_id ORDER BY client_id')).toEqual(
      sumMoneyBy(generated, 'ingredientCostPaid', (c) => c.clientId),
    );
    expect(await rows(`SELECT to_char(fill_date, 'YYYY-MM') AS k, sum(dispensing_fee_paid)::text AS v FROM claims GROUP BY 1 ORDER BY 1`)).toEqual(
      sumMoneyBy(generated, 'dispensingFeePaid', (c) => c.fillDate.slice(0, 7)),
    );
    expect(
      await rows(
        `SELECT concat_ws('|', is_reversal, is_uc_priced, is_340b, is_compound) AS k, sum(usual_and_customary)::text AS v
           FROM claims GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual(
      sumMoneyBy(generated, 'usualAndCustomary', (c) => [c.isReversal, c.isUcPriced, c.is340b, c.isCompound].map((flag) => (flag ? 't' : 'f')).join('|')),
    );

    const reversals = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM claims r JOIN claims o ON o.claim_id = r.reverses_claim_id AND o.client_id = r.client_id WHERE r.is_reversal`,
    );
    expect(Number(reversals.rows[0]?.n)).toBe(generated.filter((c) => c.isReversal).length);
  });

  it('stores every guarantee with its value, exclusions and evidence intact', async () => {
    const { rows } = await sql.query<Record<string, string | null>>(
      `SELECT guarantee_id, guaranteed_value::text AS value, channel, drug_type, exclusions, evidence_source, evidence_object_id,
              evidence_sha256, evidence_locator FROM contract_guarantees ORDER BY guarantee_id`,
    );
    const expected = [...seed.contractGuarantees]
      .sort((a, b) => (a.guaranteeId < b.guaranteeId ? -1 : 1))
      .map((g) => [g.guaranteeId, toUnits(g.guaranteedValue, 6), g.channel, g.drugType, g.exclusions.join(','), g.evidence]);
    expect(
      rows.map((r) => [
        r['guarantee_id'],
        toUnits(r['value'] ?? '', 6),
        r['channel'],
        r['drug_type'],
        r['exclusions'],
        { sourceSystem: r['evidence_source'], objectId: r['evidence_object_id'], sha256: r['evidence_sha256'], locator: r['evidence_locator'] },
      ]),
    ).toEqual(expected);
  });

  it('refuses to load the same seed twice and leaves the loaded data untouched', async () => {
    const before = await counts();
    const failure: unknown = await loadSeedIntoPostgres(target, seed).catch((error: unknown) => error);
    expect(isSyntheticDataError(failure, 'SYNTHETIC_SEED_ALREADY_LOADED')).toBe(true);
    expect(await counts()).toEqual(before);
  });
});
