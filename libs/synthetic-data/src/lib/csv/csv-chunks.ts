import type { SeedTableCsv } from './seed-tables.csv';

export interface CsvChunk {
  readonly text: string;
  readonly rows: number;
}

/**
 * Encodes rows into CSV text chunks of `rowsPerChunk` lines: big enough that writes, hashing and
 * COPY messages are cheap per row, small enough that a 10M-row stream never sits in memory.
 */
export function* csvChunks<T>(table: SeedTableCsv<T>, rows: Iterable<T>, rowsPerChunk = 2_000): Generator<CsvChunk, void, undefined> {
  let text = '';
  let count = 0;
  for (const row of rows) {
    text += table.encode(row);
    if (++count === rowsPerChunk) {
      yield { text, rows: count };
      text = '';
      count = 0;
    }
  }
  if (count > 0) yield { text, rows: count };
}
