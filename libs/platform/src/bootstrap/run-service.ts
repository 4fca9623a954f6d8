import type { ZodObject } from 'zod';
import { ConfigError, isConfigError } from '../config/config.error';
import { loadConfig, type Env } from '../config/load-config';
import { platformConfigProblems, portFor, type PlatformConfig } from '../config/platform-config';
import { createLogger } from '../logging/create-logger';
import { installGracefulShutdown } from '../shutdown/graceful-shutdown';
import { startTelemetry } from '../telemetry/start-telemetry';
import { createServiceApp } from './create-service-app';
import type { ServiceDefinition } from './service-definition';

/**
 * Entry point of every app's main.ts: validate config (exit 1 naming the bad setting), start
 * telemetry, serve, and shut down gracefully on SIGTERM.
 */
export async function runService<C extends PlatformConfig>(definition: ServiceDefinition<C>, env: Env = process.env): Promise<void> {
  let config: C;
  try {
    config = loadConfig(definition.configSchema as unknown as ZodObject, env) as C;
    const problems = platformConfigProblems(config);
    if (problems.length) throw new ConfigError(problems);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    process.stderr.write(`${definition.name}: ${e.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: definition.name, mode: config.LEAF_TELEMETRY, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const app = await createServiceApp(definition.rootModule(config), {
    service: definition.name,
    logger,
    bodyLimitBytes: config.LEAF_BODY_LIMIT_BYTES,
  });
  await definition.configureApp?.(app, config);
  installGracefulShutdown([app], { graceMs: config.LEAF_SHUTDOWN_GRACE_MS, logger, afterClose: () => telemetry.shutdown() });
  const port = portFor(definition.name, config);
  await app.listen({ port, host: config.HOST });
  logger.info({ url: `http://${config.HOST}:${port}` }, `${definition.name} listening`);
}
