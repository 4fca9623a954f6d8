import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { claimsExtractDataset, diffByKey, savingsComparisonSpec, type CuratedRow, type KeyedRow } from '@leaf/domo-takeover/domain';
import { SilverLoader, domoTakeoverMigrations, writeBronze } from '@leaf/domo-takeover/data-access';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { FilesystemLake } from '@leaf/storage';
import type { DataSource } from 'typeorm';
import { defineSuite } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';
import { psqlCopy } from './psql-copy';

interface DomoContext {
  readonly rows: number;
  readonly dir: string;
  readonly csvPath: string;
  readonly bytes: number;
  readonly adminUrl: string;
  readonly db: BenchDatabase;
  readonly ds: DataSource;
  readonly duck: DuckDBConnection;
  readonly duckVersion: string;
  readonly log: (message: string) => void;
}

const rounds = 2;
const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);
const channels = ['retail30', 'retail90', 'mail', 'specialty'];
const clients = Array.from({ length: 40 }, (_, i) => `client-${String(i).padStart(2, '0')}`);

/** A claims-extract export of `rows` rows in Domo's CSV shape (header first), written as it is generated. */
async function writeExport(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(claimsExtractDataset.columns.map((c) => c.name).join(',') + '\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const awp = 20 + ((i * 7919) % 200_000) / 100;
    const paid = (awp * (0.6 + ((i * 31) % 30) / 100)).toFixed(2);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    chunk += `C${String(i).padStart(10, '0')},${clients[i % clients.length]},2025-${month}-${day},${channels[i % 4]},${i % 3 ? 'generic' : 'brand'},${awp.toFixed(2)},${paid},${i % 97 === 0 ? 1 : 0}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}

/** Domo's output and the curated model as key-level rows: `keys` unique keys, one planted difference per 20,000. */
function savingsSides(keys: number): { domo: KeyedRow[]; curated: CuratedRow[] } {
  const domo: KeyedRow[] = new Array<KeyedRow>(keys);
  const curated: CuratedRow[] = new Array<CuratedRow>(keys);
  for (let i = 0; i < keys; i++) {
    // 5,000 clients x 12 months x 4 channels x 2 types per block; blocks suffix the client id.
    const key = {
      client_id: `client-${i % 5000}-${Math.floor(i / 480_000)}`,
      month: `2025-${String(1 + (Math.floor(i / 5000) % 12)).padStart(2, '0')}-01`,
      channel: channels[Math.floor(i / 60_000) % 4] as string,
      drug_type: Math.floor(i / 240_000) % 2 ? 'brand' : 'generic',
    };
    const savings = ((i * 7919) % 10_000_000) / 100;
    const values = { claim_count: 10 + (i % 50), awp_total: savings * 4, paid_total: savings * 3, savings };
    curated[i] = { key, values, alternates: { gross_of_reversals: { ...values, savings: savings + 1 } } };
    domo[i] = { key, values: i % 20_000 === 0 ? { ...values, savings: savings + 12.34 } : values };
  }
  return { domo, curated };
}

export const domoSuite = defineSuite<DomoContext>({
  name: 'domo',
  description:
    "Domo takeover: ingest of a claims-extract export (bronze into the lake + typed silver by COPY) vs psql \\copy of the same file into the same columns; key-level diff of Domo's output against the curated model vs DuckDB doing the same full outer join in memory (--claims = export rows and diff keys, default 5000000)",

  async setup({ claims = 5_000_000, log }) {
    const dir = await mkdtemp(join(tmpdir(), 'leaf-bench-domo-'));
    const csvPath = join(dir, 'claims-extract.csv');
    log(`writing a ${claims}-row claims-extract export`);
    await writeExport(csvPath, claims);
    const bytes = (await stat(csvPath)).size;
    const adminUrl = benchAdminUrl();
    const db = await createBenchDatabase(adminUrl, 'domo');
    const ds = createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...domoTakeoverMigrations.postgres] });
    await ds.initialize();
    await runMigrations(ds);
    // The reference's target: the same declared columns, without the export id and row number ours adds.
    await ds.query(
      `CREATE TABLE bench_psql_copy AS SELECT ${claimsExtractDataset.columns.map((c) => c.name).join(', ')} FROM ${claimsExtractDataset.silverTable} WITH NO DATA`,
    );
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    const duckVersion = String((await duck.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0]?.['v'] ?? '?');
    return { rows: claims, dir, csvPath, bytes, adminUrl, db, ds, duck, duckVersion, log };
  },

  async teardown({ dir, ds, adminUrl, db, duck }) {
    duck.closeSync();
    await ds.destroy();
    await dropBenchDatabases(adminUrl, [db]);
    await rm(dir, { recursive: true, force: true });
  },

  cases: [
    {
      name: 'ingest-vs-psql-copy',
      unit: 'rows/s',
      kind: 'throughput',
      async measure({ rows, dir, csvPath, bytes, ds, db, log }) {
        const loader = new SilverLoader(ds, 'copy');
        let best = 0;
        let bestReference = 0;
        const ours = async (round: number) => {
          await ds.query(`TRUNCATE ${claimsExtractDataset.silverTable}`);
          await ds.query('CHECKPOINT');
          // A fresh lake per round: the same bytes twice would be a no-op put.
          const lake = new FilesystemLake(join(dir, `lake-${round}`));
          const started = performance.now();
          const bronze = await writeBronze(lake, claimsExtractDataset.name, createReadStream(csvPath), { dataset: 'claims-extract' });
          const loaded = await loader.load(claimsExtractDataset, `dex-${'0'.repeat(24)}`, await lake.open(bronze.object.key));
          const ms = performance.now() - started;
          if (bronze.rows !== rows || loaded !== rows) throw new Error(`ingest counted ${bronze.rows}/${loaded} rows, expected ${rows}`);
          log(`  ours (bronze ${(bytes / 1e6).toFixed(0)} MB + silver COPY): ${perSecond(rows, ms)} rows/s`);
          best = Math.max(best, perSecond(rows, ms));
          await rm(join(dir, `lake-${round}`), { recursive: true, force: true });
        };
        const reference = async () => {
          await ds.query('TRUNCATE bench_psql_copy');
          await ds.query('CHECKPOINT');
          const { rows: copied, ms } = await psqlCopy(db.url, 'bench_psql_copy', csvPath);
          if (copied !== rows) throw new Error(`psql copied ${copied} rows, expected ${rows}`);
          log(`  psql \\copy: ${perSecond(rows, ms)} rows/s`);
          bestReference = Math.max(bestReference, perSecond(rows, ms));
        };
        for (let round = 0; round < rounds; round++) {
          if (round % 2 === 0) {
            await ours(round);
            await reference();
          } else {
            await reference();
            await ours(round);
          }
        }
        return { value: best, reference: { name: 'psql \\copy of the same file into the same columns (PostgreSQL, same run)', value: bestReference } };
      },
    },
    {
      name: 'diff-vs-duckdb',
      unit: 'keys/s',
      kind: 'throughput',
      async measure({ rows, duck, duckVersion, log }) {
        log(`  building ${rows} keys per side`);
        const { domo, curated } = savingsSides(rows);
        // DuckDB gets the same rows, loaded outside the timing (as ours are built outside it).
        await duck.run('DROP TABLE IF EXISTS d; DROP TABLE IF EXISTS c');
        await duck.run(
          'CREATE TABLE d (client_id VARCHAR, month VARCHAR, channel VARCHAR, drug_type VARCHAR, claim_count BIGINT, awp_total DOUBLE, paid_total DOUBLE, savings DOUBLE)',
        );
        await duck.run(
          'CREATE TABLE c (client_id VARCHAR, month VARCHAR, channel VARCHAR, drug_type VARCHAR, claim_count BIGINT, awp_total DOUBLE, paid_total DOUBLE, savings DOUBLE, savings_gross DOUBLE)',
        );
        const appendD = await duck.createAppender('d');
        for (const r of domo) {
          appendD.appendVarchar(r.key['client_id'] ?? '');
          appendD.appendVarchar(r.key['month'] ?? '');
          appendD.appendVarchar(r.key['channel'] ?? '');
          appendD.appendVarchar(r.key['drug_type'] ?? '');
          appendD.appendBigInt(BigInt(r.values['claim_count'] ?? 0));
          appendD.appendDouble(r.values['awp_total'] ?? 0);
          appendD.appendDouble(r.values['paid_total'] ?? 0);
          appendD.appendDouble(r.values['savings'] ?? 0);
          appendD.endRow();
        }
        appendD.closeSync();
        const appendC = await duck.createAppender('c');
        for (const r of curated) {
          appendC.appendVarchar(r.key['client_id'] ?? '');
          appendC.appendVarchar(r.key['month'] ?? '');
          appendC.appendVarchar(r.key['channel'] ?? '');
          appendC.appendVarchar(r.key['drug_type'] ?? '');
          appendC.appendBigInt(BigInt(r.values['claim_count'] ?? 0));
          appendC.appendDouble(r.values['awp_total'] ?? 0);
          appendC.appendDouble(r.values['paid_total'] ?? 0);
          appendC.appendDouble(r.values['savings'] ?? 0);
          appendC.appendDouble(r.alternates?.['gross_of_reversals']?.['savings'] ?? 0);
          appendC.endRow();
        }
        appendC.closeSync();
        // The same judgement: a full outer join on the key, a difference beyond the absolute
        // tolerance on any measure, and whether the gross definition explains it.
        const sql = `SELECT count(*) AS differences, count(*) FILTER (WHERE abs(d.savings - c.savings_gross) <= 0.01) AS definition
          FROM d FULL OUTER JOIN c USING (client_id, month, channel, drug_type)
          WHERE d.client_id IS NULL OR c.client_id IS NULL OR abs(d.claim_count - c.claim_count) > 0.01 OR abs(d.awp_total - c.awp_total) > 0.01
             OR abs(d.paid_total - c.paid_total) > 0.01 OR abs(d.savings - c.savings) > 0.01`;
        let best = 0;
        let bestReference = 0;
        let expected = -1;
        for (let round = 0; round < rounds; round++) {
          const oursStarted = performance.now();
          const result = diffByKey(savingsComparisonSpec, domo, curated);
          const oursMs = performance.now() - oursStarted;
          const duckStarted = performance.now();
          const duckRows = (await duck.runAndReadAll(sql)).getRowObjectsJson();
          const duckMs = performance.now() - duckStarted;
          const duckDifferences = Number(duckRows[0]?.['differences'] ?? -1);
          if (expected < 0) expected = result.differences.length;
          if (duckDifferences !== result.differences.length) throw new Error(`diff found ${result.differences.length} differences, DuckDB ${duckDifferences}`);
          log(`  ours: ${perSecond(rows, oursMs)} keys/s, DuckDB: ${perSecond(rows, duckMs)} keys/s (${expected} differences)`);
          best = Math.max(best, perSecond(rows, oursMs));
          bestReference = Math.max(bestReference, perSecond(rows, duckMs));
        }
        return { value: best, reference: { name: `DuckDB ${duckVersion}, the same full outer join and tolerance in memory`, value: bestReference } };
      },
    },
  ],
});
