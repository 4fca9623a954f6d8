import { isConfigError } from '../config/config.error';
import type { Env } from '../config/load-config';
import { portFor, type PlatformConfig } from '../config/platform-config';
import { createLogger } from '../logging/create-logger';
import { installGracefulShutdown } from '../shutdown/graceful-shutdown';
import { startTelemetry } from '../telemetry/start-telemetry';
import type { ServiceDefinition } from './service-definition';
import { loadServiceConfig, startServiceApp } from './start-service-app';

/**
 * Entry point of every app's main.ts: validate config (exit 1 naming the bad setting), start
 * telemetry, serve, and shut down gracefully on SIGTERM.
 */
export async function runService<C extends PlatformConfig>(definition: ServiceDefinition<C>, env: Env = process.env): Promise<void> {
  let config: C;
  try {
    config = loadServiceConfig(definition, env);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    process.stderr.write(`${definition.name}: ${e.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: definition.name, mode: config.LEAF_TELEMETRY, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  let app: Awaited<ReturnType<typeof startServiceApp>>;
  try {
    app = await startServiceApp(definition, config, logger);
  } catch (error) {
    // A failed start (database unreachable, a migration that fails, a port in use) is one
    // structured line naming the cause, then exit 1 so the orchestrator restarts the container.
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    logger.fatal({ reason, ...(typeof code === 'string' ? { code } : {}) }, `${definition.name} could not start: ${reason}`);
    await telemetry.shutdown().catch(() => undefined);
    process.exit(1);
  }
  installGracefulShutdown([app], { graceMs: config.LEAF_SHUTDOWN_GRACE_MS, logger, afterClose: () => telemetry.shutdown() });
  logger.info({ url: `http://${config.HOST}:${portFor(definition.name, config)}` }, `${definition.name} listening`);
}
