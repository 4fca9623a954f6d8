import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ZodObject } from 'zod';
import { ConfigError } from '../config/config.error';
import { loadConfig, type Env } from '../config/load-config';
import { platformConfigProblems, portFor, type PlatformConfig } from '../config/platform-config';
import type { Logger } from 'pino';
import { createServiceApp } from './create-service-app';
import type { ServiceDefinition } from './service-definition';

/** A service's validated configuration: its schema, then the rules that span settings. */
export function loadServiceConfig<C extends PlatformConfig>(definition: ServiceDefinition<C>, env: Env): C {
  const config = loadConfig(definition.configSchema as unknown as ZodObject, env) as C;
  const problems = platformConfigProblems(config);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * Builds a service's app from its definition and starts listening. The one path from definition
 * to a serving app, whether the service runs in its own container or in the local stack.
 */
export async function startServiceApp<C extends PlatformConfig>(definition: ServiceDefinition<C>, config: C, logger: Logger): Promise<NestFastifyApplication> {
  const app = await createServiceApp(definition.rootModule(config), {
    service: definition.name,
    logger,
    bodyLimitBytes: config.LEAF_BODY_LIMIT_BYTES,
  });
  await definition.configureApp?.(app, config);
  await app.listen({ port: portFor(definition.name, config), host: config.HOST });
  return app;
}
