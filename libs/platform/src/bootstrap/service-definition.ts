import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@leaf/contracts';
import type { MigrationInterface } from 'typeorm';
import type { z } from 'zod';
import type { PlatformConfig } from '../config/platform-config';
import type { platformConfigSchema } from '../config/platform-config';

/** A TypeORM migration class. */
export type ServiceMigration = new () => MigrationInterface;

/**
 * What a service's feature lib exports so that its own app (one container) and the local stack
 * (all services in one process) start it the same way.
 */
export interface ServiceDefinition<C extends PlatformConfig = PlatformConfig> {
  name: ServiceName;
  /** The platform schema, extended with the service's own settings. */
  configSchema: z.ZodType<C, z.input<typeof platformConfigSchema>>;
  /**
   * The PostgreSQL migrations of every table this service uses, oldest first (shared ones such as
   * the outbox included): the kit applies them under the migration lock before the service
   * listens, so a container on an empty database creates its own schema and a restart applies
   * nothing. The local stack applies the union of all services' lists.
   */
  migrations: ReadonlyArray<ServiceMigration>;
  /** The root module for this configuration. */
  rootModule(config: C): DynamicModule;
  /** App-level wiring after creation and before listen (e.g. the gateway's OpenAPI UI). */
  configureApp?(app: NestFastifyApplication, config: C): void | Promise<void>;
}
