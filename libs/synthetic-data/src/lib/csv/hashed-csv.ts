import { createHash } from 'node:crypto';
import { csvHeader } from './seed-tables.csv';
import type { SeedTableStream } from './seed-table-streams';

export interface CsvDigest {
  readonly rows: number;
  readonly bytes: number;
  /** sha256 over the UTF-8 bytes of the whole file, header line included. */
  readonly sha256: string;
}

/**
 * A table's CSV as text pieces (header first) with a running digest, so the file writer and the
 * database loaders hash exactly the same bytes: a loaded seed's `content_sha256` equals the
 * sha256 of the claims.csv the CLI writes for the same options.
 */
export function hashedCsv(stream: SeedTableStream, rowsPerChunk?: number) {
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  let digest: CsvDigest | undefined;
  const take = (text: string): string => {
    hash.update(text, 'utf8');
    bytes += Buffer.byteLength(text, 'utf8');
    return text;
  };
  function* pieces(includeHeader: boolean): Generator<{ text: string; rows: number }, void, undefined> {
    const header = take(csvHeader(stream));
    if (includeHeader) yield { text: header, rows: 0 };
    for (const chunk of stream.chunks(rowsPerChunk)) {
      rows += chunk.rows;
      yield { text: take(chunk.text), rows: chunk.rows };
    }
    digest = { rows, bytes, sha256: hash.digest('hex') };
  }
  return {
    /** Text pieces; the header is hashed either way but only yielded when asked for. */
    pieces,
    /** Available once `pieces` has been read to the end. */
    digest(): CsvDigest {
      if (digest === undefined) throw new Error(`${stream.table} CSV digest read before the stream ended`);
      return digest;
    },
  };
}
