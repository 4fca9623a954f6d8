import type { SyntheticSeed } from '../seed/synthetic-seed.factory';
import { csvChunks, type CsvChunk } from './csv-chunks';
import { claimsCsv, clientsCsv, contractGuaranteesCsv, contractPeriodsCsv, type SeedTableCsv } from './seed-tables.csv';

/** One table of a seed ready to stream: its name, columns and a fresh run of CSV chunks. */
export interface SeedTableStream {
  readonly table: SeedTableCsv<unknown>['table'];
  readonly columns: readonly string[];
  chunks(rowsPerChunk?: number): Generator<CsvChunk, void, undefined>;
}

function stream<T>(table: SeedTableCsv<T>, rows: () => Iterable<T>): SeedTableStream {
  return { table: table.table, columns: table.columns, chunks: (rowsPerChunk) => csvChunks(table, rows(), rowsPerChunk) };
}

/** The seed's tables in foreign-key order: a loader can copy them one after another. */
export function seedTableStreams(seed: SyntheticSeed): SeedTableStream[] {
  return [
    stream(clientsCsv, () => seed.clients),
    stream(contractPeriodsCsv, () => seed.contractPeriods),
    stream(contractGuaranteesCsv, () => seed.contractGuarantees),
    stream(claimsCsv, () => seed.claims()),
  ];
}
