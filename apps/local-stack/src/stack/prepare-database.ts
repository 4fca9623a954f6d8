import { EmbeddedPostgres, createDataSource, runMigrations } from '@leaf/persistence';
import { createSyntheticSeed, isSeeded, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import type { Logger } from 'pino';
import { join } from 'node:path';
import type { LocalStackConfig } from './local-stack.config';
import { stackMigrations } from './stack-migrations';
import type { TestCrashPoint } from './test-crash-point';

/**
 * One embedded PostgreSQL (PGlite, file-backed) for the whole stack, served on a local port so
 * every service connects with the ordinary `pg` driver. Migrated, then seeded once: a restart
 * finds the seed recorded in `seed_runs` and keeps the data.
 */
export async function prepareDatabase(config: LocalStackConfig, logger: Logger, crash?: TestCrashPoint): Promise<EmbeddedPostgres> {
  const embedded = await EmbeddedPostgres.start({ dataDir: join(config.LEAF_DATA_DIR, 'pglite'), extensions: 'vector' });
  const ds = createDataSource({ kind: 'postgres', url: embedded.url }, { migrations: stackMigrations });
  await ds.initialize();
  try {
    const applied = await runMigrations(ds);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } finally {
    await ds.destroy();
  }
  const seed = createSyntheticSeed({ seed: config.LEAF_SEED, claims: config.LEAF_SEED_CLAIMS });
  if (await isSeeded(embedded.pglite, seed.seedId)) {
    logger.info({ seedId: seed.seedId }, 'synthetic data already loaded');
  } else {
    logger.info({ seedId: seed.seedId, claims: config.LEAF_SEED_CLAIMS }, 'loading synthetic PBM data (first start)');
    // One transaction, seed_runs row included: a start killed half-way leaves no row, and the
    // next start finds the seed unrecorded and loads it whole. Claims go in COPYs of 25k rows (a
    // few MB of CSV held at a time; load time showed no difference from 100k on this machine).
    const result = await loadSeedIntoPostgres({ kind: 'pglite', db: embedded.pglite }, seed, {
      rowsPerBlob: 25_000,
      onProgress: ({ table, rows }) => crash?.at('seed-claims', table === 'claims' && rows >= config.LEAF_SEED_CLAIMS / 2),
    });
    logger.info({ seedId: result.seedId, rows: result.rows, claimsPerSecond: Math.round(result.claimsPerSecond) }, 'synthetic data loaded');
  }
  return embedded;
}
