import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyntheticSeed, loadSeedIntoPostgres, writeSeedCsv, type SeedOptions } from '@leaf/synthetic-data';
import { defineSuite } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, resetSeedTables, type BenchDatabase } from './bench-database';
import { psqlCopy } from './psql-copy';

interface LoadContext {
  readonly adminUrl: string;
  readonly options: SeedOptions;
  readonly ours: BenchDatabase;
  readonly reference: BenchDatabase;
  readonly dir: string;
  readonly claimsCsv: string;
  readonly log: (message: string) => void;
}

/** Each side runs this many times, alternating who goes first; the best run counts, to damp a busy machine. */
const rounds = 2;
/** JSON.stringify keeps its rows in memory: a sample is enough for a rate. */
const stringifySample = 200_000;

const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);

export const loadSuite = defineSuite<LoadContext>({
  name: 'load',
  description: 'seed loading: our COPY loader vs psql \\copy, and generator throughput (--claims, default 500000)',

  async setup({ claims = 500_000, log }) {
    const adminUrl = benchAdminUrl();
    const options: SeedOptions = { seed: 42, claims };
    const created: BenchDatabase[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'leaf-bench-load-'));
    try {
      log(`creating bench databases on ${new URL(adminUrl).host}`);
      created.push(await createBenchDatabase(adminUrl, 'ours'));
      created.push(await createBenchDatabase(adminUrl, 'psql'));
      log(`writing ${claims} claims to ${dir}`);
      const csv = await writeSeedCsv(options, dir);
      const claimsCsv = csv.files.find((f) => f.table === 'claims')?.path ?? join(dir, 'claims.csv');
      return { adminUrl, options, ours: created[0] as BenchDatabase, reference: created[1] as BenchDatabase, dir, claimsCsv, log };
    } catch (error) {
      await dropBenchDatabases(adminUrl, created).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },

  async teardown({ adminUrl, ours, reference, dir }) {
    try {
      await dropBenchDatabases(adminUrl, [ours, reference]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },

  cases: [
    {
      name: 'load-claims-postgres',
      unit: 'claims/s',
      kind: 'throughput',
      async measure({ adminUrl, options, ours, reference, claimsCsv, log }) {
        let best = 0;
        let bestReference = 0;
        const runOurs = async () => {
          await resetSeedTables(adminUrl, ours);
          const started = performance.now();
          const result = await loadSeedIntoPostgres({ kind: 'postgres', connectionString: ours.url }, options);
          const rate = perSecond(result.rows.claims, performance.now() - started);
          log(`  loadSeedIntoPostgres: ${rate} claims/s`);
          best = Math.max(best, rate);
        };
        const runPsql = async () => {
          await resetSeedTables(adminUrl, reference);
          const { rows, ms } = await psqlCopy(reference.url, 'claims', claimsCsv);
          const rate = perSecond(rows, ms);
          log(`  psql \\copy: ${rate} rows/s`);
          bestReference = Math.max(bestReference, rate);
        };
        for (let round = 0; round < rounds; round++) {
          if (round % 2 === 0) {
            await runOurs();
            await runPsql();
          } else {
            await runPsql();
            await runOurs();
          }
        }
        return { value: best, reference: { name: 'psql \\copy FROM file (csv, header)', value: bestReference } };
      },
    },
    {
      name: 'generate-claims',
      unit: 'claims/s',
      kind: 'throughput',
      async measure({ options }) {
        const seed = createSyntheticSeed(options);
        let best = 0;
        for (let round = 0; round < rounds; round++) {
          const started = performance.now();
          let count = 0;
          for (const claim of seed.claims()) if (claim.claimId) count++;
          best = Math.max(best, perSecond(count, performance.now() - started));
        }
        // The reference: V8's native JSON.stringify over the same claims, already built in memory.
        const sample = [];
        for (const claim of seed.claims()) {
          if (sample.length === stringifySample) break;
          sample.push(claim);
        }
        let bestReference = 0;
        for (let round = 0; round < rounds; round++) {
          const started = performance.now();
          let bytes = 0;
          for (const claim of sample) bytes += JSON.stringify(claim).length;
          if (bytes > 0) bestReference = Math.max(bestReference, perSecond(sample.length, performance.now() - started));
        }
        return { value: best, reference: { name: 'JSON.stringify of the same pre-built claims', value: bestReference } };
      },
    },
  ],
});
