import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { gatewayService } from '../gateway.service';
import { gatewayMigrations } from '../idempotency/idempotency-schema';
import { ConsoleController } from './console.controller';

describe('gateway: the web console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-gateway-console-'));
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...gatewayMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await ds.destroy();
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
    });
    app = await startServiceApp(gatewayService, config, captureLogger().logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and its two files to anyone, with a CSP that allows only itself', async () => {
    const page = await fetch(`${base}/console`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<script type="module" src="/console/assets/console.js">');
    for (const [name, type] of [
      ['console.js', 'text/javascript; charset=utf-8'],
      ['console.css', 'text/css; charset=utf-8'],
    ]) {
      const res = await fetch(`${base}/console/assets/${name}`);
      expect([name, res.status, res.headers.get('content-type')]).toEqual([name, 200, type]);
    }
    for (const path of ['/console/assets/index.html', '/console/assets/..%2Fconsole.controller.ts', '/console/assets/nope.js'])
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 404]);
  });

  it('locally, signs in with the role and clients one picks: the token works on the API and says no more than asked', async () => {
    expect(await (await fetch(`${base}/console/sign-in`)).json()).toEqual({ localSignIn: true });
    const res = await fetch(`${base}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'ana@local', role: 'analyst', clients: ['client-a'] }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'ana@local', roles: ['analyst'], leaf_clients: ['client-a'] });
    // An analyst's token is a credential the gateway accepts, and still not an operator's.
    expect((await fetch(`${base}/v1/operations/queues`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    const bad = await fetch(`${base}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: '<script>', role: 'root', clients: [] }),
    });
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, expect.stringContaining('application/problem+json')]);
  });

  it('has no sign-in anywhere but a local stack', async () => {
    const deployed = new ConsoleController({ localSignIn: false, devIssuerDir: join(dir, 'dev-issuer') });
    expect(deployed.signInMode()).toEqual({ localSignIn: false });
    await expect(deployed.signIn({ subject: 'x', role: 'admin', clients: '*' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
