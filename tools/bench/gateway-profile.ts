/**
 * Profiles the gateway in front of a free upstream: run it under `node --cpu-prof` (see the
 * README's benchmark section) and open the .cpuprofile; the load generator runs in a worker
 * thread. With BENCH_PROFILE_COMPARE=1 the bare jose + reply-from proxy is measured in the same
 * process between the gateway's rounds, so a change can be judged by the same-run ratio without
 * the whole `gateway` suite (no database seeding, no claims-runtime).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { devAudience, devIssuer, gatewayService, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { createLogger, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { bareProxy, constantServer } from './suites/gateway-references';

const seconds = Number(process.env['BENCH_PROFILE_SECONDS'] ?? 10);
const compare = process.env['BENCH_PROFILE_COMPARE'] === '1';
const rounds = Number(process.env['BENCH_PROFILE_ROUNDS'] ?? (compare ? 2 : 1));

/**
 * Throughput, and the CPU time this thread (the servers') spent per request: on a shared machine
 * the throughput drifts with everyone else's load, the CPU cost per request much less.
 */
async function hammer(url: string, token: string): Promise<{ perSecond: number; p99: number; cpuMicros: number }> {
  const before = process.threadCpuUsage();
  const result = await autocannon({ url, connections: 16, duration: seconds, headers: { authorization: `Bearer ${token}` }, workers: 1 });
  const cpu = process.threadCpuUsage(before);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { perSecond: Math.round(result.requests.average), p99: result.latency.p99, cpuMicros: Math.round((cpu.user + cpu.system) / result.requests.total) };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'leaf-gateway-profile-'));
  const keys = loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer'));
  const token = await mintDevToken(keys, { subject: 'bench', roles: ['reader'], clients: '*' });
  // The shape and size of the bench seed's GET /v1/clients answer (7 clients, one period each).
  const payload = JSON.stringify({
    items: Array.from({ length: 7 }, (_, i) => ({
      clientId: `client-${i}`,
      name: `Client ${i} Health Plan`,
      segment: 'employer',
      memberCount: 1000 + i,
      periods: Array.from({ length: 1 }, (_, p) => ({
        periodId: `client-${i}-${2023 + p}`,
        clientId: `client-${i}`,
        pbmName: 'Meridian Rx',
        startDate: `${2023 + p}-01-01`,
        endDate: `${2023 + p}-12-31`,
      })),
    })),
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
  const proxy = compare ? await bareProxy(`http://127.0.0.1:${port}`, { publicKey: keys.publicKey, issuer: devIssuer, audience: devAudience }) : undefined;
  const gatewayUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/v1/clients`;
  const proxyUrl = proxy && `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}/v1/clients`;
  // Warm both up first (JIT, keep-alive sockets), so round 1 is not the one that pays for it.
  await autocannon({ url: gatewayUrl, connections: 16, duration: 2, headers: { authorization: `Bearer ${token}` }, workers: 1 });
  if (proxyUrl) await autocannon({ url: proxyUrl, connections: 16, duration: 2, headers: { authorization: `Bearer ${token}` }, workers: 1 });
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const gateway = await hammer(gatewayUrl, token);
    process.stderr.write(`round ${round} gateway -> free upstream: ${gateway.perSecond} req/s, p99 ${gateway.p99} ms, ${gateway.cpuMicros} us CPU/request\n`);
    if (proxyUrl) {
      const bare = await hammer(proxyUrl, token);
      ratios.push(gateway.perSecond / bare.perSecond);
      cpuRatios.push(bare.cpuMicros / gateway.cpuMicros);
      process.stderr.write(
        `round ${round} bare proxy -> free upstream: ${bare.perSecond} req/s, p99 ${bare.p99} ms, ${bare.cpuMicros} us CPU/request; ratio ${ratios.at(-1)?.toFixed(2)} (CPU ${cpuRatios.at(-1)?.toFixed(2)})\n`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  if (ratios.length) {
    process.stderr.write(
      `gateway vs bare proxy over ${ratios.length} rounds: throughput best ${Math.max(...ratios).toFixed(2)}x median ${median(ratios).toFixed(2)}x; CPU per request median ${median(cpuRatios).toFixed(2)}x\n`,
    );
  }
  await app.close();
  await proxy?.close();
  await free.close();
  await rm(dir, { recursive: true, force: true });
}

void main();
