import { Client, type ClientBase } from 'pg';
import { hashedCsv } from '../csv/hashed-csv';
import { seedTableStreams, type SeedTableStream } from '../csv/seed-table-streams';
import { isSyntheticDataError, SyntheticDataError } from '../errors/synthetic-data.error';
import { GENERATOR_VERSION } from '../seed/generator-version';
import { resolveSeed, type SeedSource } from '../seed/seed-source';
import type { CopySink, CsvPiece } from './copy-sink';
import { pgliteBlobSink } from './pglite-blob.sink';
import { postgresCopySink } from './postgres-copy.sink';
import { isSeeded, recordSeedRun } from './seed-runs.repository';
import type { SeedTarget } from './seed-target';

export interface LoadSeedOptions {
  /** Rows per CSV piece handed to the database driver. */
  readonly rowsPerChunk?: number;
  /** PGlite only: rows per `/dev/blob` COPY. */
  readonly rowsPerBlob?: number;
  /**
   * Called after each CSV piece was handed to the database, with the rows of `table` handed so
   * far (inside the load's one transaction: nothing is visible before it commits). The local
   * stack's test crash hook uses it to die half-way through the claims.
   */
  readonly onProgress?: (progress: SeedLoadProgress) => void;
}

export interface SeedLoadProgress {
  readonly table: SeedTableStream['table'];
  readonly rows: number;
}

function* reported(pieces: Iterable<CsvPiece>, table: SeedTableStream['table'], onProgress: LoadSeedOptions['onProgress']): Generator<CsvPiece> {
  let rows = 0;
  for (const piece of pieces) {
    yield piece;
    rows += piece.rows;
    // Runs when the sink asks for the next piece, i.e. once it has taken (and maybe copied) this one.
    onProgress?.({ table, rows });
  }
}

export interface SeedLoadResult {
  readonly seedId: string;
  readonly generatorVersion: string;
  /** sha256 of the claims CSV (header included): equals claims.csv from `writeSeedCsv`. */
  readonly contentSha256: string;
  readonly rows: Readonly<Record<SeedTableStream['table'], number>>;
  readonly elapsedMs: number;
  readonly claimsPerSecond: number;
}

async function inPostgresTransaction<T>(target: Extract<SeedTarget, { kind: 'postgres' }>, work: (sink: CopySink) => Promise<T>): Promise<T> {
  const owned = 'connectionString' in target ? new Client({ connectionString: target.connectionString }) : undefined;
  const client = owned ?? (target as { client: ClientBase }).client;
  try {
    if (owned) await owned.connect();
    await client.query('BEGIN');
    try {
      const result = await work(postgresCopySink(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await owned?.end().catch(() => undefined);
  }
}

function inTransaction<T>(target: SeedTarget, rowsPerBlob: number, work: (sink: CopySink) => Promise<T>): Promise<T> {
  if (target.kind === 'pglite') return target.db.transaction((tx) => work(pgliteBlobSink(tx, rowsPerBlob)));
  return inPostgresTransaction(target, work);
}

/**
 * Loads a seed's clients, contract periods, guarantees and claims with COPY, then records it in
 * `seed_runs`, all in one transaction: a load that fails anywhere leaves no row behind, and a
 * recorded seed run always means a complete data set.
 */
export async function loadSeedIntoPostgres(target: SeedTarget, source: SeedSource, options: LoadSeedOptions = {}): Promise<SeedLoadResult> {
  const seed = resolveSeed(source);
  const started = performance.now();
  let current = 'seed_runs';
  try {
    const { rows, contentSha256 } = await inTransaction(target, options.rowsPerBlob ?? 100_000, async (sink) => {
      if (await isSeeded(sink, seed.seedId)) {
        throw new SyntheticDataError('SYNTHETIC_SEED_ALREADY_LOADED', `${seed.seedId} is already loaded`);
      }
      const rows = { clients: 0, contract_periods: 0, contract_guarantees: 0, claims: 0 };
      let contentSha256 = '';
      for (const stream of seedTableStreams(seed)) {
        current = stream.table;
        const csv = hashedCsv(stream, options.rowsPerChunk);
        rows[stream.table] = await sink.copy(stream.table, stream.columns, reported(csv.pieces(false), stream.table, options.onProgress));
        if (stream.table === 'claims') contentSha256 = csv.digest().sha256;
      }
      current = 'seed_runs';
      await recordSeedRun(sink, {
        seedId: seed.seedId,
        generatorVersion: GENERATOR_VERSION,
        seed: seed.options.seed,
        claimCount: rows.claims,
        contentSha256,
      });
      // Planner statistics now, not whenever autovacuum gets round to it (PGlite never does):
      // without them the reconciliation's anti-join and window queries get row estimates of
      // about a hundred and plans that take minutes instead of milliseconds.
      current = 'analyze';
      await sink.query('ANALYZE clients, contract_periods, contract_guarantees, claims');
      return { rows, contentSha256 };
    });
    const elapsedMs = performance.now() - started;
    return {
      seedId: seed.seedId,
      generatorVersion: GENERATOR_VERSION,
      contentSha256,
      rows,
      elapsedMs,
      claimsPerSecond: elapsedMs > 0 ? Math.round((rows.claims * 1000) / elapsedMs) : 0,
    };
  } catch (error) {
    if (isSyntheticDataError(error)) throw error;
    // The driver's message names the constraint or row at fault; it never holds credentials.
    const reason = error instanceof Error ? `: ${error.message}` : '';
    throw new SyntheticDataError('SYNTHETIC_LOAD_FAILED', `loading ${seed.seedId} failed at ${current}, nothing was written${reason}`, {
      cause: error,
    });
  }
}
