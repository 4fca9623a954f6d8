import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { defaultServicePorts, serviceNames } from '@leaf/contracts';
import { serviceUrlSetting } from '@leaf/gateway/feature';
import { createLogger, loadConfig, loadServiceConfig, startServiceApp, startTelemetry, type Env } from '@leaf/platform';
import type { Logger } from 'pino';
import { localStackConfigSchema, stackPaths, type LocalStackConfig } from './local-stack.config';
import { prepareDatabase } from './prepare-database';
import { preparePackets } from './prepare-packets';
import { prepareSalesforce } from './prepare-salesforce';
import { localStackServices } from './service-registry';
import { TestCrashPoint } from './test-crash-point';

export interface LocalStack {
  apps: NestFastifyApplication[];
  config: LocalStackConfig;
  logger: Logger;
  gatewayUrl: string;
  readyMs: number;
  /** Closes what the apps stand on (database, telemetry) once they are closed. */
  releaseResources(): Promise<void>;
  /** Closes the apps, then their resources (tests; SIGTERM goes through installGracefulShutdown). */
  stop(): Promise<void>;
}

/**
 * All eight services in one process, each its own Nest application on its own port, talking
 * only over HTTP (and the bus once it lands). One process because the embedded database is
 * PGlite, which lives inside exactly one process; every service still reaches it over a real
 * PostgreSQL connection, exactly as it would reach Azure SQL / PostgreSQL when deployed alone.
 */
export async function startLocalStack(env: Env = process.env): Promise<LocalStack> {
  const started = performance.now();
  const config = loadConfig(localStackConfigSchema, env);
  const logger = createLogger({ service: 'local-stack', level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: 'local-stack', mode: config.LEAF_TELEMETRY, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const paths = stackPaths(config, env);
  const crash = TestCrashPoint.of(config, logger);
  const embedded = await prepareDatabase(config, logger, crash);
  await preparePackets(config, paths, logger, crash);
  const salesforce = await prepareSalesforce(config, env, logger);

  const portOf = (service: keyof typeof defaultServicePorts) => defaultServicePorts[service] + config.LEAF_PORT_OFFSET;
  const loopback = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  // Every service reaches the others at their local-stack ports (LEAF_<SERVICE>_URL).
  const serviceUrls = Object.fromEntries(serviceNames.map((s) => [serviceUrlSetting(s), `http://${loopback}:${portOf(s)}`]));

  const apps: NestFastifyApplication[] = [];
  const stopCrashWatch = await crash.watchPromotion(embedded.url);
  try {
    for (const definition of localStackServices) {
      const serviceConfig = loadServiceConfig(definition, {
        ...env,
        ...serviceUrls,
        LEAF_DATABASE_URL: embedded.url,
        PORT: String(portOf(definition.name)),
        LEAF_LAKE_URL: paths.lakeUrl,
        // The dev issuer's key pair beside the stack's data: `npm run token` reads the same one.
        LEAF_DEV_ISSUER_DIR: paths.devIssuerDir,
        // contract-packets reads the stack's packets folder and syncs it before it takes requests.
        // A sync that died half-way is run again whole: the cursor is saved only at its end, and
        // a packet left stored, extracted or validated is taken up again.
        LEAF_PACKETS_DIR: paths.packets,
        LEAF_PACKETS_SYNC_ON_START: env['LEAF_PACKETS_SYNC_ON_START'] ?? 'true',
        // salesforce-mirror mirrors the synthetic org (or the org the settings name) before it takes requests.
        ...salesforce.env,
      });
      apps.push(await startServiceApp(definition, serviceConfig, createLogger({ service: definition.name, level: config.LOG_LEVEL })));
    }
  } catch (e) {
    await stopCrashWatch();
    await Promise.allSettled(apps.map((a) => a.close()));
    await salesforce.stop();
    await embedded.stop();
    throw e;
  }
  await stopCrashWatch();

  const releaseResources = async () => {
    await salesforce.stop();
    await embedded.stop();
    await telemetry.shutdown();
  };
  const stop = async () => {
    await Promise.allSettled(apps.map((a) => a.close()));
    await releaseResources();
  };
  return {
    apps,
    config,
    logger,
    releaseResources,
    gatewayUrl: `http://${loopback}:${portOf('gateway')}`,
    readyMs: Math.round(performance.now() - started),
    stop,
  };
}
