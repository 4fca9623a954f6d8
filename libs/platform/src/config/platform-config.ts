import { z } from 'zod';
import { defaultServicePorts, type ServiceName } from '@leaf/contracts';
import { deployedEnvironments, devInternalIdentityKey } from '../auth/internal-identity-key';
import { intSetting, urlSetting } from './config-settings';

/** Settings every service reads. A service extends this schema with its own. */
export const platformConfigSchema = z.object({
  LEAF_ENV: z
    .enum(['local', 'dev', 'test', 'staging', 'prod'])
    .default('local')
    .describe('Environment: local | dev | test | staging | prod; deployed ones refuse development keys and the dev issuer.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level of the JSON log lines.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server listens on (0.0.0.0 in a container).'),
  PORT: intSetting(0, 65535).optional().describe("HTTP port; unset: the service's default port (gateway 3000, the others 3101…3107; 8080 in the charts)."),
  /**
   * The service's operational store: PostgreSQL (Azure Database for PostgreSQL in production) or
   * PGlite locally. SQL Server is refused: it is only ever the read-only claims source.
   */
  LEAF_DATABASE_URL: z
    .string()
    .refine((v) => !/^(mssql|sqlserver):/i.test(v.trim()), {
      message: 'operational state lives in PostgreSQL: SQL Server is only the claims source (LEAF_CLAIMS_SOURCE_URL); use postgres:// or pglite:',
    })
    .pipe(urlSetting(['pglite', 'postgres', 'postgresql']))
    .default('pglite:.data/pglite')
    .describe(
      'Operational store: postgres://… (Azure Database for PostgreSQL, `authentication=azure-default` for an Entra token) or pglite:<dir>; a SQL Server URL is refused.',
    ),
  LEAF_LAKE_URL: urlSetting(['file', 'azure-blob'])
    .default('file:.data/lake')
    .describe(
      'Artifact lake: file:<dir>, or azure-blob://<account>.blob.core.windows.net/<container> (workload identity); the local stack uses <LEAF_DATA_DIR>/lake.',
    ),
  LEAF_TELEMETRY: z
    .enum(['none', 'otlp', 'console'])
    .default('none')
    .describe('Traces and metrics exporter: none, otlp (to OTEL_EXPORTER_OTLP_ENDPOINT) or console.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe("OpenTelemetry Collector URL when LEAF_TELEMETRY=otlp (in production the cluster's collector, exporting to Azure Monitor)."),
  LEAF_SHUTDOWN_GRACE_MS: intSetting(0, 600_000)
    .default(25_000)
    .describe("How long shutdown waits for in-flight work; keep it below the pod's terminationGracePeriodSeconds."),
  /** `embedded`: the bus lives in the service's PostgreSQL; `azure`: Azure Service Bus. */
  LEAF_BUS: z
    .enum(['embedded', 'azure'])
    .default('embedded')
    .describe("Message bus: embedded (tables in the service's PostgreSQL / PGlite) or azure (Azure Service Bus)."),
  LEAF_SERVICE_BUS_CONNECTION_STRING: z
    .string()
    .min(1)
    .optional()
    .describe('Azure Service Bus connection string (a Key Vault mount); otherwise LEAF_SERVICE_BUS_NAMESPACE with workload identity.'),
  /** `<name>.servicebus.windows.net`, with workload identity (DefaultAzureCredential). */
  LEAF_SERVICE_BUS_NAMESPACE: z
    .string()
    .min(1)
    .optional()
    .describe('<name>.servicebus.windows.net, reached with workload identity; required when LEAF_BUS=azure without a connection string.'),
  LEAF_BODY_LIMIT_BYTES: intSetting(1024, 100 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest request body accepted (413 beyond).'),
  /**
   * HMAC key (HS256) of the identity token the gateway forwards to services and services send
   * each other. Unset locally and in tests (the well-known dev key); required, and not the dev
   * key, in every deployed environment (see platformConfigProblems).
   */
  LEAF_INTERNAL_IDENTITY_KEY: z
    .string()
    .min(32, { message: 'must be at least 32 characters' })
    .optional()
    .describe('HS256 key of the internal identity token (≥ 32 characters); unset locally (the dev key), required in deployed environments.'),
});
export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/** Cross-setting rules zod objects cannot express per key; same error format as loadConfig. */
export function platformConfigProblems(config: PlatformConfig): Array<{ setting: string; problem: string }> {
  const problems: Array<{ setting: string; problem: string }> = [];
  if (config.LEAF_BUS === 'azure' && !config.LEAF_SERVICE_BUS_CONNECTION_STRING && !config.LEAF_SERVICE_BUS_NAMESPACE) {
    problems.push({ setting: 'LEAF_SERVICE_BUS_NAMESPACE', problem: 'is required when LEAF_BUS=azure (or set LEAF_SERVICE_BUS_CONNECTION_STRING)' });
  }
  if ((deployedEnvironments as readonly string[]).includes(config.LEAF_ENV)) {
    if (!config.LEAF_INTERNAL_IDENTITY_KEY) {
      problems.push({ setting: 'LEAF_INTERNAL_IDENTITY_KEY', problem: `is required when LEAF_ENV=${config.LEAF_ENV}` });
    } else if (config.LEAF_INTERNAL_IDENTITY_KEY === devInternalIdentityKey) {
      problems.push({ setting: 'LEAF_INTERNAL_IDENTITY_KEY', problem: `must not be the well-known development key when LEAF_ENV=${config.LEAF_ENV}` });
    }
  }
  return problems;
}

export const portFor = (service: ServiceName, config: PlatformConfig): number => config.PORT ?? defaultServicePorts[service];
