import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyStatement, type CopySink, type CsvPiece } from './copy-sink';

function* texts(pieces: Iterable<CsvPiece>): Generator<string> {
  for (const piece of pieces) yield piece.text;
}

/**
 * COPY FROM STDIN on one `pg` connection. The pipeline pulls pieces only as fast as the socket
 * drains, so generating 10M claims never buffers more than a few chunks.
 */
export function postgresCopySink(client: ClientBase): CopySink {
  return {
    query: (text, params) => client.query(text, params),
    async copy(table, columns, pieces) {
      const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
      await pipeline(Readable.from(texts(pieces)), stream);
      return stream.rowCount;
    },
  };
}
