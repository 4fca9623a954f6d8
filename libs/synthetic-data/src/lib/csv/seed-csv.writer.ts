import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SyntheticDataError } from '../errors/synthetic-data.error';
import { GENERATOR_VERSION } from '../seed/generator-version';
import { resolveSeed, type SeedSource } from '../seed/seed-source';
import { hashedCsv, type CsvDigest } from './hashed-csv';
import { seedTableStreams, type SeedTableStream } from './seed-table-streams';

export interface CsvFileSummary extends CsvDigest {
  readonly table: SeedTableStream['table'];
  readonly path: string;
}

export interface SeedCsvResult {
  readonly seedId: string;
  readonly generatorVersion: string;
  readonly directory: string;
  readonly files: readonly CsvFileSummary[];
}

async function writeTable(stream: SeedTableStream, directory: string, rowsPerChunk: number | undefined): Promise<CsvFileSummary> {
  const path = join(directory, `${stream.table}.csv`);
  // Written under a temporary name and renamed when complete: a crash never leaves a whole-looking file.
  const partial = `${path}.partial`;
  const csv = hashedCsv(stream, rowsPerChunk);
  function* text(): Generator<string> {
    for (const piece of csv.pieces(true)) yield piece.text;
  }
  try {
    await pipeline(Readable.from(text(), { objectMode: false }), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new SyntheticDataError('SYNTHETIC_CSV_WRITE_FAILED', `could not write ${stream.table}.csv`, { cause: error });
  }
  return { table: stream.table, path, ...csv.digest() };
}

/**
 * Streams clients.csv, contract_periods.csv, contract_guarantees.csv and claims.csv into
 * `directory` (created if missing): header row, columns in table order, RFC 4180 quoting.
 */
export async function writeSeedCsv(source: SeedSource, directory: string, options: { rowsPerChunk?: number } = {}): Promise<SeedCsvResult> {
  const seed = resolveSeed(source);
  const target = resolve(directory);
  try {
    await mkdir(target, { recursive: true });
  } catch (error) {
    throw new SyntheticDataError('SYNTHETIC_CSV_WRITE_FAILED', `could not create ${target}`, { cause: error });
  }
  const files: CsvFileSummary[] = [];
  for (const stream of seedTableStreams(seed)) files.push(await writeTable(stream, target, options.rowsPerChunk));
  return { seedId: seed.seedId, generatorVersion: GENERATOR_VERSION, directory: target, files };
}
