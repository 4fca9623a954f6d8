import type { PlatformConfig } from '../config/platform-config';
import type { ServiceDefinition, ServiceMigration } from './service-definition';

/**
 * The migrations of several services as one list for one shared database (the local stack, specs
 * and benches that stand up more than one service): each migration once, oldest first. Shared
 * migrations (the reference schema, the outbox) appear in several definitions as the same class.
 */
export function migrationsOf(definitions: ReadonlyArray<Pick<ServiceDefinition<PlatformConfig>, 'migrations'>>): ServiceMigration[] {
  const unique = new Map<string, ServiceMigration>();
  for (const definition of definitions) {
    for (const migration of definition.migrations) unique.set(migration.name, migration);
  }
  return [...unique.values()].sort((a, b) => timestampOf(a) - timestampOf(b) || a.name.localeCompare(b.name));
}

// TypeORM names migrations `<Name><13-digit timestamp>`; the timestamp orders them.
function timestampOf(migration: ServiceMigration): number {
  return Number(/(\d{13})$/.exec(migration.name)?.[1] ?? 0);
}
