import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDetail } from '@leaf/contracts';
import { outboxMigrations } from '@leaf/messaging';
import { DATA_SOURCE, createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { createLake, parseLakeUrl } from '@leaf/storage';
import { TaskLeases, taskLedgerMigrations } from '@leaf/task-ledger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { agentDispatcherService } from '../agent-dispatcher.service';

const operator = identityHeaders({ subject: 'ops', roles: ['operator'], clientIds: ['acme-health'] });
const analyst = identityHeaders({ subject: 'ana@acme', roles: ['analyst'], clientIds: ['acme-health'] });
const otherClient = identityHeaders({ subject: 'bob@beta', roles: ['operator'], clientIds: ['beta-union'] });

describe.each(testDatabaseTargets())('task artifacts API on $name', ({ create }) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-dispatcher-artifacts-'));
  const lake = createLake(parseLakeUrl(`file:${lakeDir}`));

  beforeAll(async () => {
    db = await create();
    const migrate = await createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...taskLedgerMigrations.postgres] },
    ).initialize();
    await runMigrations(migrate);
    await migrate.destroy();
    const config = loadServiceConfig(agentDispatcherService, {
      LEAF_CLAIMS_RUNTIME_URL: 'http://127.0.0.1:9',
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${lakeDir}`,
      PORT: '0',
    });
    app = await startServiceApp(agentDispatcherService, config, captureLogger().logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it('downloads what a task wrote, by name, with its sha256 as ETag; other clients and unknown names get 404', async () => {
    const created = await fetch(`${base}/v1/tasks`, {
      method: 'POST',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'platform.noop', clientId: 'acme-health', parameters: { note: 'artifacts' } }),
    });
    const task = (await created.json()) as TaskDetail;
    // A worker takes it and records an artifact it stored in the lake, as lane-worker does.
    const text = '# Narrative\n\nThe guarantees fell short by $1,234.56.\n';
    const object = await lake.put('artifacts', text, { contentType: 'text/markdown; charset=utf-8' });
    const leases = new TaskLeases(app.get(DATA_SOURCE), { leaseMs: 60_000 });
    const claim = await leases.claim(task.taskId, 'spec-worker', { perKind: 100, perClient: 100 });
    if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
    await leases.succeed(claim.lease, {
      result: {},
      artifacts: [{ name: 'narrative.md', sha256: object.sha256, bytes: object.size, contentType: 'text/markdown; charset=utf-8', lakeKey: object.key }],
      spans: [],
    });

    const res = await fetch(`${base}/v1/tasks/${task.taskId}/artifacts/narrative.md`, { headers: analyst });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('etag')).toBe(`"${object.sha256}"`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="acme-health_${task.taskId}_narrative.md"`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.toString()).toBe(text);
    expect(createHash('sha256').update(body).digest('hex')).toBe(object.sha256);

    for (const [path, headers, status] of [
      [`/v1/tasks/${task.taskId}/artifacts/narrative.md`, otherClient, 404],
      [`/v1/tasks/${task.taskId}/artifacts/other.md`, analyst, 404],
      [`/v1/tasks/${task.taskId}/artifacts/..%2Fsecrets`, analyst, 400],
    ] as const) {
      const answer = await fetch(`${base}${path}`, { headers });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
