import type { TokenCredential } from '@azure/identity';
import type { DataSourceOptions } from 'typeorm';
import type { SqlDialect } from '../dialect/dialect';

export type EntityList = NonNullable<DataSourceOptions['entities']>;
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

/** Migrations written once per dialect; the data source picks the list for its own dialect. */
export type DialectMigrations = Record<SqlDialect, MigrationList>;

export interface DataSourceParts {
  entities?: EntityList;
  /** Default: this library's foundation migrations for the dialect. `[]` for none. */
  migrations?: MigrationList | DialectMigrations;
  /** Shown as application_name / appName on the server (connection lists, Azure SQL auditing). */
  applicationName?: string;
  /** TypeORM logging; off by default because queries can carry claim data. */
  logging?: DataSourceOptions['logging'];
  /** For `authentication=azure-default` PostgreSQL URLs; DefaultAzureCredential when absent. */
  credential?: TokenCredential;
}

/** Where TypeORM records applied migrations, on every dialect. */
export const migrationsTableName = 'schema_migrations';
