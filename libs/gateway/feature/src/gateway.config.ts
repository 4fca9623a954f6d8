import { roleSchema, serviceNames, type ServiceName } from '@leaf/contracts';
import { deployedEnvironments, intSetting, jsonSetting, platformConfigSchema, serviceUrlSetting as serviceUrl } from '@leaf/platform';
import { z } from 'zod';

/** `claims-runtime` -> `LEAF_CLAIMS_RUNTIME_URL`. */
export const serviceUrlSetting = (service: ServiceName) => `LEAF_${service.toUpperCase().replace(/-/g, '_')}_URL`;

const upstreams = Object.fromEntries(
  serviceNames
    .filter((s) => s !== 'gateway')
    .map((s) => [serviceUrlSetting(s), serviceUrl(s, `Where the gateway forwards ${s}'s routes (in a cluster the service's DNS name).`)]),
);

export const externalIssuerKinds = ['dev', 'entra', 'cloudflare-access'] as const;

/**
 * Budgets rate limits are counted in: reads, writes (POST), downloads and MCP calls (each per
 * caller, and per client for a client the caller may see); `work`, starting work (reconciliations,
 * tasks, the MCP start tool), per client across all three doors; `authfail`, failed
 * authentications per source address.
 */
export const routeClasses = ['read', 'write', 'download', 'mcp', 'work', 'authfail'] as const;
export type RouteClass = (typeof routeClasses)[number];
export type RateLimits = Record<RouteClass, { limit: number; windowSeconds: number }>;

const defaultRateLimits = 'read=600/60,write=60/60,download=120/60,mcp=300/60,work=60/60,authfail=30/60';

/** `read=600/60,write=30/60`: per class, requests per window (seconds); classes left out keep their default. */
const rateLimitsSetting = z
  .string()
  .default('')
  .transform((value, ctx): RateLimits => {
    const limits = {} as RateLimits;
    for (const part of `${defaultRateLimits},${value}`
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = new RegExp(`^(${routeClasses.join('|')})=(\\d{1,7})\\/(\\d{1,5})$`).exec(part);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `must look like ${defaultRateLimits}` });
        return z.NEVER;
      }
      limits[match[1] as RouteClass] = { limit: Number(match[2]), windowSeconds: Math.max(1, Number(match[3])) };
    }
    return limits;
  });

export const gatewayConfigSchema = platformConfigSchema
  .extend({
    ...upstreams,
    LEAF_UPSTREAM_TIMEOUT_MS: intSetting(100, 120_000).default(10_000).describe('How long the gateway waits for a service (504 beyond).'),
    /** Which external issuers the gateway trusts, comma separated: dev, entra, cloudflare-access. */
    LEAF_AUTH_ISSUERS: z
      .string()
      .default('dev')
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(z.enum(externalIssuerKinds)).min(1, { message: 'names at least one issuer' }))
      .describe('External issuers the gateway trusts, comma separated: dev, entra, cloudflare-access (dev is refused when deployed).'),
    /** Where the dev issuer's key pair lives (generated on first use); the local stack uses <data dir>/dev-issuer. */
    LEAF_DEV_ISSUER_DIR: z
      .string()
      .min(1)
      .default('.data/dev-issuer')
      .describe("The dev issuer's key pair (generated on first use); the local stack uses <LEAF_DATA_DIR>/dev-issuer."),
    LEAF_ENTRA_TENANT_ID: z
      .string()
      .regex(/^[0-9a-f-]{36}$|^[a-z0-9.-]+$/i, { message: 'must be a tenant id or domain' })
      .optional()
      .describe('Entra tenant id or domain (required when LEAF_AUTH_ISSUERS includes entra).'),
    /** The API's application ID URI or client id, as in the token's `aud`. */
    LEAF_ENTRA_AUDIENCE: z.string().min(1).optional().describe("The API's application ID URI or client id, as in the token's aud (required with entra)."),
    /** Defaults to https://login.microsoftonline.com/<tenant>/v2.0 (v2 access tokens). */
    LEAF_ENTRA_ISSUER: z.string().min(1).optional().describe('Unset: https://login.microsoftonline.com/<tenant>/v2.0.'),
    /** Defaults to https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys. */
    LEAF_ENTRA_JWKS_URL: z.url().optional().describe('Unset: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys.'),
    /** https://<team>.cloudflareaccess.com: the `iss` of Access tokens. */
    LEAF_CF_ACCESS_TEAM_DOMAIN: z.url().optional().describe('https://<team>.cloudflareaccess.com, the iss of Access tokens (required with cloudflare-access).'),
    /** The Access application's AUD tag. */
    LEAF_CF_ACCESS_AUD: z.string().min(1).optional().describe("The Access application's AUD tag (required with cloudflare-access)."),
    /** Defaults to <team domain>/cdn-cgi/access/certs. */
    LEAF_CF_ACCESS_CERTS_URL: z.url().optional().describe('Unset: <team domain>/cdn-cgi/access/certs.'),
    /** Minimum time between two JWKS fetches (an unknown kid triggers one). */
    LEAF_JWKS_COOLDOWN_MS: intSetting(0, 600_000).default(30_000).describe('Minimum time between two JWKS fetches (an unknown kid triggers one).'),
    /** Group id -> roles, e.g. {"<entra-group-oid>":["analyst"]}. */
    LEAF_AUTH_GROUP_ROLES: jsonSetting(z.record(z.string(), z.array(roleSchema)), '{"<group>":["analyst"]}')
      .default({})
      .describe('JSON: group id -> roles, e.g. {"<entra-group-oid>":["analyst"]}.'),
    /** Group id -> client ids or "*", e.g. {"<entra-group-oid>":["harbor-valley-sd"]}. */
    LEAF_AUTH_GROUP_CLIENTS: jsonSetting(z.record(z.string(), z.union([z.literal('*'), z.array(z.string())])), '{"<group>":["client-a"]}')
      .default({})
      .describe('JSON: group id -> client ids or "*".'),
    LEAF_RATE_LIMITS: rateLimitsSetting.describe(`Requests per window (seconds) per class; classes left out keep ${defaultRateLimits}.`),
    /**
     * How many proxies in front of the gateway append to X-Forwarded-For (APIM, Cloudflare, the
     * ingress): the source address is that many entries from the right. 0 (default) trusts no
     * forwarded header and uses the peer address.
     */
    LEAF_TRUSTED_PROXY_HOPS: intSetting(0, 5).default(0).describe('Proxies in front that append to X-Forwarded-For; 0 trusts no forwarded header.'),
    /** Rate-limit counters in Redis (shared by every gateway replica); in memory when unset. */
    LEAF_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, { message: 'must start with redis: or rediss:' })
      .optional()
      .describe('Rate-limit counters in Redis, shared by every replica; unset: in memory.'),
    /** How deep a JSON request body may nest (400 beyond). */
    LEAF_JSON_MAX_DEPTH: intSetting(2, 256).default(32).describe('How deep a JSON request body may nest (400 beyond).'),
    /** How many object keys plus array items a JSON request body may hold (400 beyond). */
    LEAF_JSON_MAX_KEYS: intSetting(10, 1_000_000).default(1000).describe('Object keys plus array items a JSON request body may hold (400 beyond).'),
    /** How long an Idempotency-Key's stored response is replayed. */
    LEAF_IDEMPOTENCY_TTL_SECONDS: intSetting(60, 7 * 24 * 3600)
      .default(24 * 3600)
      .describe("How long an Idempotency-Key's stored response is replayed."),
    /**
     * An in-flight Idempotency-Key is held for LEAF_UPSTREAM_TIMEOUT_MS plus this margin; after
     * that (its gateway crashed) a retry with the same body proceeds.
     */
    LEAF_IDEMPOTENCY_LEASE_MARGIN_MS: intSetting(0, 600_000)
      .default(5_000)
      .describe('An in-flight Idempotency-Key is held for LEAF_UPSTREAM_TIMEOUT_MS plus this margin.'),
  })
  .superRefine((c, ctx) => {
    const need = (setting: string, when: string) => ctx.addIssue({ code: 'custom', path: [setting], message: `is required when ${when}` });
    if (c.LEAF_AUTH_ISSUERS.includes('entra')) {
      if (!c.LEAF_ENTRA_TENANT_ID) need('LEAF_ENTRA_TENANT_ID', 'LEAF_AUTH_ISSUERS includes entra');
      if (!c.LEAF_ENTRA_AUDIENCE) need('LEAF_ENTRA_AUDIENCE', 'LEAF_AUTH_ISSUERS includes entra');
    }
    if (c.LEAF_AUTH_ISSUERS.includes('cloudflare-access')) {
      if (!c.LEAF_CF_ACCESS_TEAM_DOMAIN) need('LEAF_CF_ACCESS_TEAM_DOMAIN', 'LEAF_AUTH_ISSUERS includes cloudflare-access');
      if (!c.LEAF_CF_ACCESS_AUD) need('LEAF_CF_ACCESS_AUD', 'LEAF_AUTH_ISSUERS includes cloudflare-access');
    }
    if (c.LEAF_AUTH_ISSUERS.includes('dev') && (deployedEnvironments as readonly string[]).includes(c.LEAF_ENV)) {
      ctx.addIssue({ code: 'custom', path: ['LEAF_AUTH_ISSUERS'], message: `must not include dev when LEAF_ENV=${c.LEAF_ENV}` });
    }
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
