import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { z } from 'zod';
import { PersistenceError } from '../errors/persistence.error';
import { openInMemoryPglite } from './in-memory-pglite';
import { keepProtocolCyclesTogether } from './protocol-cycle-queue';

export const embeddedPostgresOptionsSchema = z.strictObject({
  /** Absent: in-memory. Present: file-backed at this directory (created if missing). */
  dataDir: z.string().min(1).optional(),
  /** 0 (the default) picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Makes the pgvector extension available; `CREATE EXTENSION vector` stays a migration's job. */
  extensions: z.literal('vector').optional(),
  /**
   * PGlite is one backend: connections share it and their queries run one at a time. The limit
   * only bounds how many clients may attach, and is generous so several pools fit.
   */
  maxConnections: z.number().int().min(1).max(1000).default(100),
});

export type EmbeddedPostgresOptions = z.input<typeof embeddedPostgresOptionsSchema>;

/**
 * PGlite served over the PostgreSQL wire protocol on 127.0.0.1, so every service (and TypeORM's
 * `postgres` driver via `pg`) connects to it exactly as it would to a real server. `pglite` is the
 * in-process instance for what the socket cannot do, above all `COPY ... FROM '/dev/blob'` bulk loads.
 */
export class EmbeddedPostgres {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly pglite: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly port: number,
    readonly dataDir: string | undefined,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres`; PGlite has no password. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const parsed = embeddedPostgresOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new PersistenceError('PERSISTENCE_CONFIG_INVALID', `Invalid embedded Postgres options: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    const { dataDir, port, extensions, maxConnections } = parsed.data;
    const dir = dataDir === undefined ? undefined : resolve(dataDir);

    let pglite: PGlite | undefined;
    try {
      // A taken port is the common failure; find it before paying seconds to open PGlite.
      if (port !== 0) await assertPortFree(port);
      if (dir !== undefined) await mkdir(dir, { recursive: true });
      const pgliteOptions: PGliteOptions = extensions === 'vector' ? { extensions: { vector } } : {};
      pglite = dir === undefined ? await openInMemoryPglite(pgliteOptions) : await PGlite.create(dir, pgliteOptions);
      const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections });
      keepProtocolCyclesTogether(server);
      await server.start();
      const boundPort = Number(server.getServerConn().split(':').pop());
      return new EmbeddedPostgres(pglite, server, boundPort, dir);
    } catch (error) {
      await pglite?.close().catch(() => undefined);
      const where = dir === undefined ? 'in memory' : `at ${dir}`;
      throw new PersistenceError('PERSISTENCE_EMBEDDED_START_FAILED', `Could not start embedded Postgres ${where} (port ${port})`, {
        cause: error,
      });
    }
  }

  /** Closes the socket server (and its client connections) first, then the database. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.server.stop();
      } finally {
        if (!this.pglite.closed) await this.pglite.close();
      }
    })();
    return this.stopping;
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
