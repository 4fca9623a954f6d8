import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@leaf/contracts';
import type { z } from 'zod';
import type { PlatformConfig } from '../config/platform-config';
import type { platformConfigSchema } from '../config/platform-config';

/**
 * What a service's feature lib exports so that its own app (one container) and the local stack
 * (all services in one process) start it the same way.
 */
export interface ServiceDefinition<C extends PlatformConfig = PlatformConfig> {
  name: ServiceName;
  /** The platform schema, extended with the service's own settings. */
  configSchema: z.ZodType<C, z.input<typeof platformConfigSchema>>;
  /** The root module for this configuration. */
  rootModule(config: C): DynamicModule;
  /** App-level wiring after creation and before listen (e.g. the gateway's OpenAPI UI). */
  configureApp?(app: NestFastifyApplication, config: C): void | Promise<void>;
}
