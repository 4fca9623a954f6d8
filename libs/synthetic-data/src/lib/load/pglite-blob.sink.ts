import type { Transaction } from '@electric-sql/pglite';
import { copyStatement, type CopySink } from './copy-sink';

/**
 * PGlite has no COPY FROM STDIN over its socket, but reads `'/dev/blob'` in process: pieces are
 * gathered into blobs of about `rowsPerBlob` rows, one COPY each, all inside the caller's
 * transaction so a failing blob takes the earlier ones with it.
 */
export function pgliteBlobSink(tx: Transaction, rowsPerBlob: number): CopySink {
  return {
    query: (text, params) => tx.query(text, params),
    async copy(table, columns, pieces) {
      const statement = copyStatement(table, columns, `'/dev/blob'`);
      let parts: string[] = [];
      let pending = 0;
      let copied = 0;
      const flush = async () => {
        if (pending === 0) return;
        const result = await tx.query(statement, [], { blob: new Blob(parts) });
        copied += result.affectedRows ?? pending;
        parts = [];
        pending = 0;
      };
      for (const piece of pieces) {
        parts.push(piece.text);
        pending += piece.rows;
        if (pending >= rowsPerBlob) await flush();
      }
      await flush();
      return copied;
    },
  };
}
