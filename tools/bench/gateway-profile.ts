/**
 * Profiles the gateway alone in front of a free upstream: run it under `node --cpu-prof` (see the
 * README's benchmark section) and open the .cpuprofile; the load generator runs in a worker thread.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { gatewayService, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { createLogger, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { constantServer } from './suites/gateway-references';

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'leaf-gateway-profile-'));
  const keys = loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer'));
  const token = await mintDevToken(keys, { subject: 'bench', roles: ['reader'], clients: '*' });
  const payload = JSON.stringify({
    items: Array.from({ length: 8 }, (_, i) => ({ clientId: `client-${i}`, name: `Client ${i}`, segment: 'employer', memberCount: 1000 + i, periods: [] })),
  });
  const free = await constantServer('/v1/clients', payload);
  const port = (free.server.address() as { port: number }).port;
  const config = loadServiceConfig(gatewayService, {
    PORT: '0',
    LEAF_DATABASE_URL: process.env['BENCH_PROFILE_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
    LEAF_CLAIMS_RUNTIME_URL: `http://127.0.0.1:${port}`,
    LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
    LEAF_RATE_LIMITS: 'read=9999999/60',
  });
  const app = await startServiceApp(gatewayService, config, createLogger({ service: 'gateway', level: 'warn' }));
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/v1/clients`;
  const result = await autocannon({
    url,
    connections: 16,
    duration: Number(process.env['BENCH_PROFILE_SECONDS'] ?? 10),
    headers: { authorization: `Bearer ${token}` },
    workers: 1,
  });
  process.stderr.write(`gateway -> free upstream: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}\n`);
  await app.close();
  await free.close();
  await rm(dir, { recursive: true, force: true });
}

void main();
