import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, runMigrations } from '@leaf/persistence';
import type { TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { loadSeedIntoPostgres, type SyntheticSeed } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { claimsRuntimeService } from '../claims-runtime.service';

/** Every migration claims-runtime stands on, in order: what its service definition declares. */
export const claimsRuntimeTestMigrations = [...claimsRuntimeService.migrations];

/** A fresh test database, migrated for claims-runtime and loaded with `seed`. */
export async function createSeededDatabase(create: () => Promise<TestDatabase>, seed: SyntheticSeed): Promise<TestDatabase> {
  const db = await create();
  const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: claimsRuntimeTestMigrations }).initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  await loadSeedIntoPostgres(db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url }, seed);
  return db;
}

export interface RunningClaimsRuntime {
  readonly app: NestFastifyApplication;
  readonly base: string;
  stop(): Promise<void>;
}

/** claims-runtime on a free port over `db`, with a lake in a temporary folder. */
export async function startClaimsRuntime(db: TestDatabase, env: Record<string, string> = {}): Promise<RunningClaimsRuntime> {
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-claims-lake-'));
  const config = loadServiceConfig(claimsRuntimeService, {
    LEAF_DATABASE_URL: db.url,
    LEAF_LAKE_URL: `file:${lakeDir}`,
    PORT: '0',
    ...env,
  });
  const app = await startServiceApp(claimsRuntimeService, config, captureLogger().logger);
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
    stop: async () => {
      await app.close();
      rmSync(lakeDir, { recursive: true, force: true });
    },
  };
}
