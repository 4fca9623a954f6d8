import { migrationsOf } from '@leaf/platform';
import { localStackServices } from './service-registry';

/**
 * Every PostgreSQL migration the local stack applies to its one embedded database before seeding:
 * the union of what each service declares (each service would apply its own at start anyway).
 */
export const stackMigrations = migrationsOf(localStackServices);
