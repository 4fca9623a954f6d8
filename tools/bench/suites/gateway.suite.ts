import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { gatewayService, loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { IdentitySigner, createLogger, migrationsOf, internalIdentityKeyBytes, loadServiceConfig, startServiceApp } from '@leaf/platform';
import { createSyntheticSeed, loadSeedIntoPostgres } from '@leaf/synthetic-data';
import { defineSuite } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';

interface Run {
  perSecond: number;
  p99: number;
}

interface GatewayContext {
  adminUrl: string;
  db: BenchDatabase;
  dir: string;
  apps: NestFastifyApplication[];
  raw: FastifyInstance;
  gatewayUrl: string;
  /** A second gateway whose claims-runtime is the raw Fastify server: the gateway's own capacity. */
  staticGatewayUrl: string;
  serviceUrl: string;
  rawUrl: string;
  token: string;
  log: (message: string) => void;
  results?: { gateway: Run; raw: Run; direct: Run; staticGateway: Run };
}

const durationSeconds = 8;
const connections = 16;
const rounds = 2;
const addressOf = (server: { address(): unknown }) => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

/** autocannon in its own worker thread, so the load generator does not share the servers' event loop. */
async function hammer(url: string, headers: Record<string, string>): Promise<Run> {
  const result = await autocannon({ url, connections, duration: durationSeconds, headers, workers: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { perSecond: Math.round(result.requests.average), p99: result.latency.p99 };
}

async function measureAll(context: GatewayContext): Promise<{ gateway: Run; raw: Run; direct: Run; staticGateway: Run }> {
  if (context.results) return context.results;
  const none = () => ({ perSecond: 0, p99: Infinity });
  const best = { gateway: none(), raw: none(), direct: none(), staticGateway: none() };
  const runStaticGateway = async () => {
    const r = await hammer(`${context.staticGatewayUrl}/v1/clients`, { authorization: `Bearer ${context.token}` });
    context.log(`  gateway -> raw Fastify upstream, authenticated: ${r.perSecond} req/s, p99 ${r.p99} ms`);
    if (r.perSecond > best.staticGateway.perSecond) best.staticGateway = r;
  };
  // claims-runtime called directly with the identity the gateway would sign: what the gateway adds on top.
  const signer = new IdentitySigner(internalIdentityKeyBytes(undefined));
  const runDirect = async () => {
    const r = await hammer(`${context.serviceUrl}/v1/clients`, signer.headers({ subject: 'bench', roles: ['reader'], clientIds: '*', issuer: 'dev' }));
    context.log(`  claims-runtime direct (signed identity, no gateway): ${r.perSecond} req/s, p99 ${r.p99} ms`);
    if (r.perSecond > best.direct.perSecond) best.direct = r;
  };
  const runGateway = async () => {
    const r = await hammer(`${context.gatewayUrl}/v1/clients`, { authorization: `Bearer ${context.token}` });
    context.log(`  gateway -> claims-runtime, authenticated: ${r.perSecond} req/s, p99 ${r.p99} ms`);
    if (r.perSecond > best.gateway.perSecond) best.gateway = r;
  };
  const runRaw = async () => {
    const r = await hammer(`${context.rawUrl}/v1/clients`, {});
    context.log(`  raw Fastify, same payload, no auth: ${r.perSecond} req/s, p99 ${r.p99} ms`);
    if (r.perSecond > best.raw.perSecond) best.raw = r;
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      await runGateway();
      await runRaw();
      await runDirect();
      await runStaticGateway();
    } else {
      await runStaticGateway();
      await runDirect();
      await runRaw();
      await runGateway();
    }
  }
  context.results = best;
  return best;
}

/**
 * An authenticated, proxied read through the gateway (dev-issuer bearer token verified, scope
 * checked, identity signed, claims-runtime verifying it again and reading PostgreSQL) against
 * raw Fastify serving the same JSON with no auth and no database, in the same run.
 */
export const gatewaySuite = defineSuite<GatewayContext>({
  name: 'gateway',
  description: `GET /v1/clients through the gateway (auth + claims-runtime on PostgreSQL) vs raw Fastify with the same payload; autocannon ${connections} connections x ${durationSeconds} s, best of ${rounds}`,

  async setup({ log }) {
    const adminUrl = benchAdminUrl();
    const dir = await mkdtemp(join(tmpdir(), 'leaf-bench-gateway-'));
    const db = await createBenchDatabase(adminUrl, 'gateway');
    const apps: NestFastifyApplication[] = [];
    try {
      const ds = await createDataSource(
        { kind: 'postgres', url: db.url },
        { migrations: migrationsOf([claimsRuntimeService, gatewayService]) },
      ).initialize();
      await runMigrations(ds).finally(() => ds.destroy());
      await loadSeedIntoPostgres({ kind: 'postgres', connectionString: db.url }, createSyntheticSeed({ seed: 42, claims: 2_000 }));
      const quiet = (service: string) => createLogger({ service, level: 'warn' });
      const common = { LEAF_DATABASE_URL: db.url, LEAF_LAKE_URL: `file:${join(dir, 'lake')}`, PORT: '0' };
      apps.push(await startServiceApp(claimsRuntimeService, loadServiceConfig(claimsRuntimeService, common), quiet('claims-runtime')));
      const gatewayConfig = loadServiceConfig(gatewayService, {
        ...common,
        LEAF_CLAIMS_RUNTIME_URL: addressOf(apps[0].getHttpServer()),
        LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
        LEAF_RATE_LIMITS: 'read=9999999/60',
      });
      apps.push(await startServiceApp(gatewayService, gatewayConfig, quiet('gateway')));
      const gatewayUrl = addressOf(apps[1].getHttpServer());
      const token = await mintDevToken(loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer')), { subject: 'bench', roles: ['reader'], clients: '*' });
      const payload = await (await fetch(`${gatewayUrl}/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).text();
      log(`GET /v1/clients payload: ${payload.length} bytes`);
      const raw = Fastify({ logger: false });
      raw.get('/v1/clients', (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(payload));
      await raw.listen({ port: 0, host: '127.0.0.1' });
      const staticConfig = loadServiceConfig(gatewayService, { ...common, PORT: '0', LEAF_CLAIMS_RUNTIME_URL: addressOf(raw.server), LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'), LEAF_RATE_LIMITS: 'read=9999999/60' });
      apps.push(await startServiceApp(gatewayService, staticConfig, quiet('gateway-static')));
      const staticGatewayUrl = addressOf(apps[2].getHttpServer());
      return {
        staticGatewayUrl, adminUrl, db, dir, apps, raw, gatewayUrl, serviceUrl: addressOf(apps[0].getHttpServer()), rawUrl: addressOf(raw.server), token, log };
    } catch (error) {
      await Promise.allSettled(apps.map((a) => a.close()));
      await dropBenchDatabases(adminUrl, [db]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },

  async teardown({ adminUrl, db, dir, apps, raw }) {
    try {
      for (const app of [...apps].reverse()) await app.close();
      await raw.close();
      await dropBenchDatabases(adminUrl, [db]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },

  cases: [
    {
      name: 'authenticated-proxied-read',
      unit: 'req/s',
      kind: 'throughput',
      async measure(context) {
        const { gateway, raw } = await measureAll(context);
        return { value: gateway.perSecond, reference: { name: `raw Fastify ${Fastify().version}, same payload, no auth`, value: raw.perSecond } };
      },
    },
    {
      name: 'authenticated-proxied-read-p99',
      unit: 'ms',
      kind: 'time',
      async measure(context) {
        const { gateway, raw } = await measureAll(context);
        return { value: gateway.p99, reference: { name: 'raw Fastify p99, same run', value: raw.p99 } };
      },
    },
    {
      // The same gateway work (token, scope, signing, proxy, JSON) in front of an upstream that
      // costs nothing: the gateway's own capacity against the raw server it fronts.
      name: 'authenticated-proxied-read-static-upstream',
      unit: 'req/s',
      kind: 'throughput',
      async measure(context) {
        const { staticGateway, raw } = await measureAll(context);
        return { value: staticGateway.perSecond, reference: { name: 'raw Fastify, same payload, no auth (the upstream itself)', value: raw.perSecond } };
      },
    },
    {
      // The brief's reference serves a constant; this one does the same database read, so the
      // ratio isolates the gateway's own cost (auth, scope, signing, the extra hop).
      name: 'proxied-read-vs-direct-service',
      unit: 'req/s',
      kind: 'throughput',
      async measure(context) {
        const { gateway, direct } = await measureAll(context);
        return { value: gateway.perSecond, reference: { name: 'claims-runtime GET /v1/clients called directly', value: direct.perSecond } };
      },
    },
  ],
});
