import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { devAudience, devIssuer, gatewayService, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { createLogger, migrationsOf, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { createSyntheticSeed, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import { defineSuite, type BenchCase } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';
import { bareProxy, constantServer, rawClientsService } from './gateway-references';

interface Run {
  perSecond: number;
  p99: number;
}

/** Every target, measured in the same run, interleaved. */
type Target = 'gatewayFree' | 'bareProxy' | 'gatewayClients' | 'rawService' | 'ceiling';

interface GatewayContext {
  adminUrl: string;
  db: BenchDatabase;
  dir: string;
  apps: NestFastifyApplication[];
  servers: FastifyInstance[];
  urls: Record<Target, string>;
  token: string;
  log: (message: string) => void;
  results?: Record<Target, Run>;
}

const durationSeconds = 6;
const connections = 16;
const rounds = 3;
const addressOf = (server: { address(): unknown }) => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

const labels: Record<Target, string> = {
  gatewayFree: 'gateway -> free upstream (constant JSON)',
  bareProxy: 'bare Fastify proxy (jose + @fastify/reply-from) -> the same free upstream',
  gatewayClients: 'gateway -> claims-runtime -> PostgreSQL',
  rawService: 'one raw Fastify process (jose + the same query on the same database)',
  ceiling: 'raw Fastify, constant JSON, no auth (ceiling)',
};

/** autocannon in its own worker thread, so the load generator does not share the servers' event loop. */
async function hammer(url: string, headers: Record<string, string>): Promise<Run> {
  const result = await autocannon({ url, connections, duration: durationSeconds, headers, workers: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { perSecond: Math.round(result.requests.average), p99: result.latency.p99 };
}

/**
 * Each target `rounds` times, the order rotated per round so no target always runs first (the
 * machine is shared: absolute figures drift, same-round neighbours do not). Best of the rounds is
 * reported; every round and the spread are logged.
 */
async function measureAll(context: GatewayContext): Promise<Record<Target, Run>> {
  if (context.results) return context.results;
  const targets = Object.keys(labels) as Target[];
  const runs = Object.fromEntries(targets.map((t) => [t, [] as Run[]])) as Record<Target, Run[]>;
  const headers = { authorization: `Bearer ${context.token}` };
  for (let round = 0; round < rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const target of order) {
      const r = await hammer(`${context.urls[target]}/v1/clients`, target === 'ceiling' ? {} : headers);
      context.log(`  round ${round + 1} ${labels[target]}: ${r.perSecond} req/s, p99 ${r.p99} ms`);
      runs[target].push(r);
    }
  }
  const best = {} as Record<Target, Run>;
  for (const target of targets) {
    const all = runs[target];
    const rates = all.map((r) => r.perSecond);
    const p99s = all.map((r) => r.p99);
    best[target] = { perSecond: Math.max(...rates), p99: Math.min(...p99s) };
    context.log(
      `${labels[target]}: ${Math.min(...rates)}-${Math.max(...rates)} req/s, p99 ${Math.min(...p99s)}-${Math.max(...p99s)} ms over ${all.length} rounds`,
    );
  }
  context.results = best;
  return best;
}

const versus = (name: string, ours: Target, reference: Target, metric: keyof Run): BenchCase<GatewayContext> => ({
  name,
  unit: metric === 'perSecond' ? 'req/s' : 'ms',
  kind: metric === 'perSecond' ? 'throughput' : 'time',
  async measure(context) {
    const r = await measureAll(context);
    return { value: r[ours][metric], reference: { name: labels[reference], value: r[reference][metric] } };
  },
});

/**
 * (a) the gateway's own cost: gateway vs a bare jose + reply-from proxy, both in front of the same
 * free upstream (goal >= 0.7x); (b) end to end GET /v1/clients: gateway -> claims-runtime vs one
 * raw Fastify process doing the same verification and query on the same database (goal >= 0.5x);
 * (c) the raw-Fastify ceiling, as information.
 */
export const gatewaySuite = defineSuite<GatewayContext>({
  name: 'gateway',
  description: `GET /v1/clients: gateway vs a bare jose+reply-from proxy (same free upstream), gateway+claims-runtime vs one raw Fastify+jose+pg process (same database), and the raw Fastify ceiling; autocannon ${connections} connections x ${durationSeconds} s, best of ${rounds} rotated rounds`,

  async setup({ log }) {
    const adminUrl = benchAdminUrl();
    const dir = await mkdtemp(join(tmpdir(), 'leaf-bench-gateway-'));
    const db = await createBenchDatabase(adminUrl, 'gateway');
    const apps: NestFastifyApplication[] = [];
    const servers: FastifyInstance[] = [];
    try {
      const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: migrationsOf([claimsRuntimeService, gatewayService]) }).initialize();
      await runMigrations(ds).finally(() => ds.destroy());
      await loadSeedIntoPostgres({ kind: 'postgres', connectionString: db.url }, createSyntheticSeed({ seed: 42, claims: 2_000 }));
      const quiet = (service: string) => createLogger({ service, level: 'warn' });
      const common = { LEAF_DATABASE_URL: db.url, LEAF_LAKE_URL: `file:${join(dir, 'lake')}`, PORT: '0' };
      const issuerDir = join(dir, 'dev-issuer');
      const keys = loadOrCreateDevIssuerKeys(issuerDir);
      const token = await mintDevToken(keys, { subject: 'bench', roles: ['reader'], clients: '*' });
      const startGateway = async (upstream: string, name: string) => {
        const config = loadServiceConfig(gatewayService, {
          ...common,
          LEAF_CLAIMS_RUNTIME_URL: upstream,
          LEAF_DEV_ISSUER_DIR: issuerDir,
          LEAF_RATE_LIMITS: 'read=9999999/60',
        });
        const app = await startServiceApp(gatewayService, config, quiet(name));
        apps.push(app);
        return addressOf(app.getHttpServer());
      };

      apps.push(await startServiceApp(claimsRuntimeService, loadServiceConfig(claimsRuntimeService, common), quiet('claims-runtime')));
      const gatewayClients = await startGateway(addressOf(apps[0].getHttpServer()), 'gateway');
      const payload = await (await fetch(`${gatewayClients}/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).text();
      log(`GET /v1/clients payload: ${payload.length} bytes`);

      const check = { publicKey: keys.publicKey, issuer: devIssuer, audience: devAudience };
      const free = await constantServer('/v1/clients', payload);
      servers.push(free);
      const proxy = await bareProxy(addressOf(free.server), check);
      servers.push(proxy);
      const raw = await rawClientsService(db.url, check);
      servers.push(raw.app);
      const rawPayload = await (await fetch(`${addressOf(raw.app.server)}/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).text();
      // The reference must answer what the gateway answers, or the ratio compares different work.
      if (rawPayload !== payload) throw new Error(`the raw service's /v1/clients differs from the gateway's (${rawPayload.length} vs ${payload.length} bytes)`);
      const gatewayFree = await startGateway(addressOf(free.server), 'gateway-free');
      const urls = { gatewayFree, bareProxy: addressOf(proxy.server), gatewayClients, rawService: addressOf(raw.app.server), ceiling: addressOf(free.server) };
      return { adminUrl, db, dir, apps, servers, urls, token, log };
    } catch (error) {
      await Promise.allSettled([...apps, ...servers].map((a) => a.close()));
      await dropBenchDatabases(adminUrl, [db]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },

  async teardown({ adminUrl, db, dir, apps, servers }) {
    try {
      for (const app of [...apps].reverse()) await app.close();
      for (const server of servers.reverse()) await server.close();
      await dropBenchDatabases(adminUrl, [db]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },

  cases: [
    versus('gateway-vs-bare-proxy', 'gatewayFree', 'bareProxy', 'perSecond'),
    versus('gateway-vs-bare-proxy-p99', 'gatewayFree', 'bareProxy', 'p99'),
    versus('clients-end-to-end-vs-raw-service', 'gatewayClients', 'rawService', 'perSecond'),
    versus('clients-end-to-end-vs-raw-service-p99', 'gatewayClients', 'rawService', 'p99'),
    // Information only: what the machine serves with no auth, no hop and no database.
    versus('clients-end-to-end-vs-raw-ceiling', 'gatewayClients', 'ceiling', 'perSecond'),
    versus('bare-proxy-vs-raw-ceiling', 'bareProxy', 'ceiling', 'perSecond'),
  ],
});
