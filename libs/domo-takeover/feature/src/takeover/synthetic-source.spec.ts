import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity } from '@leaf/contracts';
import { domoTakeoverMigrations } from '@leaf/domo-takeover/data-access';
import { outboxMigrations } from '@leaf/messaging';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { domoTakeoverService } from '../domo-takeover.service';

describe('domo-takeover on first start of the embedded stack', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const dir = mkdtempSync(join(tmpdir(), 'leaf-domo-first-start-'));
  const reader: Partial<Identity> & Pick<Identity, 'clientIds'> = { clientIds: '*', roles: ['reader'] };

  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    const ds = createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...domoTakeoverMigrations.postgres] },
    );
    await ds.initialize();
    await runMigrations(ds);
    await ds.destroy();
    await loadSeedIntoPostgres({ kind: 'pglite', db: db.pglite! }, createSyntheticSeed({ seed: 5, claims: 2500 }));
    const config = loadServiceConfig(domoTakeoverService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_DOMO_DIR: join(dir, 'domo'),
      LEAF_DOMO_INGEST_ON_START: 'true',
      LEAF_DOMO_SYNTHETIC_SEED: '5',
      LEAF_DOMO_SYNTHETIC_CLAIMS: '2500',
    });
    app = await startServiceApp(domoTakeoverService, config, captureLogger('domo-takeover').logger);
    // Starting PGlite and the service on a loaded shared machine can take most of a minute.
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the synthetic exports from the seed, ingests them, and a comparison explains every difference', async () => {
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const get = async (path: string) =>
      (await fetch(`${base}${path}`, { headers: identityHeaders(reader) })).json() as Promise<{ items: { dataset: string; status: string }[] }>;
    const exports = await get('/v1/domo/exports');
    expect(exports.items.map((e) => `${e.dataset}:${e.status}`).sort()).toEqual(['claims_extract:blocked', 'savings_by_client_month:promoted']);
    const compared = await fetch(`${base}/v1/domo/comparisons`, { method: 'POST', headers: identityHeaders({ clientIds: '*', roles: ['operator'] }) });
    expect(compared.status).toBe(201);
    const comparison = (await compared.json()) as { summary: { differences: number; byReason: { unexplained: { count: number } } } };
    expect(comparison.summary.differences).toBeGreaterThan(0);
    expect(comparison.summary.byReason.unexplained.count).toBe(0);
  });
});
