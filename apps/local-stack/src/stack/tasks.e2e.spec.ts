import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDetail } from '@leaf/contracts';
import { agentDispatcherService } from '@leaf/agent-dispatcher/feature';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { laneWorkerService } from '@leaf/lane-worker/feature';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { createPostgresTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp, type ServiceDefinition, type PlatformConfig } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { createSyntheticSeed, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stackMigrations } from './stack-migrations';

const seed = createSyntheticSeed({ seed: 11, claims: 3_000 });
const client = seed.clients[0];
const period = seed.contractPeriods.find((p) => p.clientId === client.clientId);
const analyst = identityHeaders({ subject: 'ana@e2e', roles: ['analyst'], clientIds: [client.clientId] });

/**
 * Issue 7's done-when: a claims.reconcile task created through the dispatcher's API ends with
 * claims-runtime's workbook and PDF as task artifacts, visible with the trace in the task
 * detail. Three real services (claims-runtime, agent-dispatcher, lane-worker) over HTTP, the bus
 * and one shared lake, on real PostgreSQL (several services' connections at once).
 */
describe('claims.reconcile task end to end', () => {
  let db: TestDatabase;
  const apps: NestFastifyApplication[] = [];
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-tasks-e2e-lake-'));
  const urlOf = (app: NestFastifyApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

  beforeAll(async () => {
    db = await createPostgresTestDatabase(process.env['TEST_DATABASE_URL']?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres');
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: stackMigrations }).initialize();
    await runMigrations(ds);
    await ds.destroy();
    await loadSeedIntoPostgres({ kind: 'postgres', connectionString: db.url }, seed);
    const env = { LEAF_DATABASE_URL: db.url, LEAF_LAKE_URL: `file:${lakeDir}`, PORT: '0', LEAF_TASK_POLL_MS: '100' };
    const start = async <C extends PlatformConfig>(definition: ServiceDefinition<C>, extra: Record<string, string> = {}) => {
      const app = await startServiceApp(definition, loadServiceConfig(definition, { ...env, ...extra }), captureLogger(definition.name).logger);
      apps.push(app);
      return app;
    };
    const claims = await start(claimsRuntimeService);
    // The dispatcher asks claims-runtime whether a task's period belongs to its client.
    await start(agentDispatcherService, { LEAF_CLAIMS_RUNTIME_URL: urlOf(claims) });
    await start(laneWorkerService, { LEAF_CLAIMS_RUNTIME_URL: urlOf(claims) });
  }, 120_000);
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('ends with the workbook and PDF as task artifacts, with the trace, in the task detail', async () => {
    const dispatcher = urlOf(apps[1]);
    const created = await fetch(`${dispatcher}/v1/tasks`, {
      method: 'POST',
      headers: { ...analyst, 'content-type': 'application/json', 'idempotency-key': 'e2e-task-0001' },
      body: JSON.stringify({ kind: 'claims.reconcile', clientId: client.clientId, parameters: { periodId: period?.periodId } }),
    });
    expect(created.status).toBe(201);
    const { taskId } = (await created.json()) as TaskDetail;
    let detail: TaskDetail | undefined;
    for (let i = 0; i < 600 && !['succeeded', 'failed', 'dead-lettered'].includes(detail?.status ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = (await (await fetch(`${dispatcher}/v1/tasks/${taskId}`, { headers: analyst })).json()) as TaskDetail;
    }
    expect(detail).toMatchObject({ status: 'succeeded', error: null, attempts: 1 });
    const names = detail?.artifacts.map((a) => a.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['reconciliation.xlsx', 'reconciliation.pdf']));
    expect(detail?.trace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['task claims.reconcile', 'claims-runtime start reconciliation', 'claims-runtime await run']),
    );
    const run = (await (
      await fetch(`${urlOf(apps[0])}/v1/clients/${client.clientId}/reconciliations/${detail?.result?.['runId']}`, { headers: analyst })
    ).json()) as {
      artifacts: Array<{ name: string; sha256: string }>;
    };
    for (const a of run.artifacts) expect(detail?.artifacts.find((t) => t.name === a.name)?.sha256).toBe(a.sha256);
  }, 90_000);
});
