import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
  onData: (data: Uint8Array) => void;
}

/** The shape of pglite-socket 0.2.17's internal query queue, which this module replaces the scheduling of. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

const readyForQuery = 0x5a; // 'Z'

/**
 * pglite-socket hands PGlite one wire-protocol message at a time from whichever connection is
 * next, and keeps a connection exclusive only while a transaction is open. But an extended query
 * is several messages (Parse, Bind, Describe, Execute, Sync) on the backend's one unnamed statement
 * and portal, and a COPY is several more: another connection's messages in between replace them
 * ("unnamed prepared statement does not exist", or another client's rows). This keeps a
 * connection's messages together until the backend says ReadyForQuery, as a real server's
 * separate backends effectively do. It also fixes the queue staying blocked after a failed message.
 */
export function keepProtocolCyclesTogether(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function') {
    throw new Error('pglite-socket internals changed: its query queue cannot be scheduled per protocol cycle');
  }
  let openCycle: number | null = null;

  const next = (): QueuedMessage | null | undefined => {
    const owner = openCycle ?? (queue.db.isInTransaction() ? queue.lastHandlerId : null);
    if (owner === null) return queue.queue.shift();
    const index = queue.queue.findIndex((m) => m.handlerId === owner);
    return index === -1 ? null : (queue.queue.splice(index, 1)[0] ?? null);
  };

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      for (;;) {
        const item = next();
        if (!item) break;
        let bytes = 0;
        const tail: number[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                for (const b of data.subarray(Math.max(0, data.length - 6))) tail.push(b);
                tail.splice(0, Math.max(0, tail.length - 6));
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          openCycle = null;
          item.reject(error);
          continue;
        }
        // ReadyForQuery is 'Z', length 5, status: the last six bytes of a finished cycle.
        const done = tail.length === 6 && tail[0] === readyForQuery && tail[1] === 0 && tail[2] === 0 && tail[3] === 0 && tail[4] === 5;
        openCycle = done ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    // A connection that went away mid-cycle must not hold the others back.
    if (openCycle === handlerId) openCycle = null;
    await clearTransaction(handlerId);
    await queue.processQueue();
  };
}
