import { portFor } from '@leaf/platform';
import { defineService } from '@leaf/service-kit';
import { GATEWAY_AUTHENTICATOR, GatewayAuthenticator } from './auth/gateway.authenticator';
import { ExternalTokenVerifier } from './auth/external-token.verifier';
import { trustedIssuers } from './auth/trusted-issuers';
import { ClaimsController } from './claims/claims.controller';
import { CONSOLE_OPTIONS, ConsoleController, type ConsoleOptions } from './console/console.controller';
import { gatewayConfigSchema, type GatewayConfig } from './gateway.config';
import { PlatformHealthController } from './health/platform-health.controller';
import { registerGatewayHttp } from './http/gateway-http';
import { registerMcpEndpoint } from './mcp/mcp-endpoint';
import { IDEMPOTENCY_OPTIONS, type IdempotencyOptions } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { withIdempotentPosts } from './idempotency/idempotent-posts';
import { gatewayMigrations } from './idempotency/idempotency-schema';
import { setupOpenApi } from './openapi/setup-openapi';
import { RATE_LIMITER, RateLimitAdmission } from './rate-limit/rate-limit.admission';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RateLimiterShutdown } from './rate-limit/rate-limiter.shutdown';
import { MemoryRateLimitStore, RedisRateLimitStore } from './rate-limit/rate-limit.store';
import { PacketsController } from './packets/packets.controller';
import { inClusterConnection } from './operations/cluster/cluster-reader';
import { CLUSTER_CONNECTION, OperationsController } from './operations/operations.controller';
// h-ops: dead-letter administration (operators)
import { DeadLettersController } from './operations/dead-letters/dead-letters.controller';
import { ReconciliationsController } from './reconciliations/reconciliations.controller';
import { SearchController } from './search/search.controller';
import { SalesforceController } from './salesforce/salesforce.controller';
import { TasksController } from './tasks/tasks.controller';
// --- domo-takeover (h-domo) ---
import { DomoController } from './domo/domo.controller';
// --- end domo-takeover ---
import { SERVICE_DIRECTORY, ServiceDirectory } from './upstream/service-directory';
import { UPSTREAM_TIMEOUT_MS, UpstreamClient } from './upstream/upstream.client';

/** gateway: the internal API behind APIM / Cloudflare Access. Thin: authenticate, validate, route. */
export const gatewayService = defineService<GatewayConfig>(
  'gateway',
  (config) => {
    // One limiter for the routes, MCP and failed authentications, so every door spends the same budgets.
    const limiter = new RateLimiter(
      config.LEAF_REDIS_URL ? new RedisRateLimitStore(config.LEAF_REDIS_URL) : new MemoryRateLimitStore(),
      config.LEAF_RATE_LIMITS,
    );
    const authenticator = new GatewayAuthenticator(
      new ExternalTokenVerifier(trustedIssuers(config), { roles: config.LEAF_AUTH_GROUP_ROLES, clients: config.LEAF_AUTH_GROUP_CLIENTS }),
      { limiter, trustedProxyHops: config.LEAF_TRUSTED_PROXY_HOPS },
    );
    return withIdempotentPosts({
      authenticator,
      admission: new RateLimitAdmission(limiter),
      controllers: [
        PlatformHealthController,
        ClaimsController,
        ReconciliationsController,
        TasksController,
        PacketsController,
        OperationsController,
        // h-ops: dead-letter administration (operators)
        DeadLettersController,
        ConsoleController,
        SalesforceController,
        SearchController,
        // --- domo-takeover (h-domo) ---
        DomoController,
        // --- end domo-takeover ---
      ],
      providers: [
        UpstreamClient,
        { provide: GATEWAY_AUTHENTICATOR, useValue: authenticator },
        { provide: SERVICE_DIRECTORY, useValue: ServiceDirectory.fromConfig(config, `http://127.0.0.1:${portFor('gateway', config)}`) },
        { provide: UPSTREAM_TIMEOUT_MS, useValue: config.LEAF_UPSTREAM_TIMEOUT_MS },
        // The console's local sign-in mints dev tokens: only on a laptop that trusts the dev issuer.
        {
          provide: CONSOLE_OPTIONS,
          useValue: {
            localSignIn: config.LEAF_ENV === 'local' && config.LEAF_AUTH_ISSUERS.includes('dev'),
            devIssuerDir: config.LEAF_DEV_ISSUER_DIR,
          } satisfies ConsoleOptions,
        },
        // The pod's own service account, read once (the chart's Role lets it get and list, nothing else).
        {
          provide: CLUSTER_CONNECTION,
          useFactory: () => {
            let connection: ReturnType<typeof inClusterConnection> | undefined;
            return () => (connection ??= inClusterConnection());
          },
        },
        { provide: RATE_LIMITER, useValue: limiter },
        RateLimiterShutdown,
        IdempotencyStore,
        {
          provide: IDEMPOTENCY_OPTIONS,
          useValue: {
            ttlSeconds: config.LEAF_IDEMPOTENCY_TTL_SECONDS,
            leaseMs: config.LEAF_UPSTREAM_TIMEOUT_MS + config.LEAF_IDEMPOTENCY_LEASE_MARGIN_MS,
          } satisfies IdempotencyOptions,
        },
      ],
    });
  },
  {
    migrations: gatewayMigrations.postgres,
    configSchema: gatewayConfigSchema,
    configureApp: (app, config) => {
      registerGatewayHttp(app, { maxDepth: config.LEAF_JSON_MAX_DEPTH, maxKeys: config.LEAF_JSON_MAX_KEYS });
      registerMcpEndpoint(app);
      setupOpenApi(app);
    },
  },
);
