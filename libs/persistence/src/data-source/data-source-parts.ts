import type { TokenCredential } from '@azure/identity';
import type { DataSourceOptions } from 'typeorm';

export type EntityList = NonNullable<DataSourceOptions['entities']>;
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

export interface DataSourceParts {
  entities?: EntityList;
  /**
   * Default: this library's foundation migrations on PostgreSQL / PGlite, none on SQL Server (the
   * read-only claims source). `[]` for none.
   */
  migrations?: MigrationList;
  /** Shown as application_name / appName on the server (connection lists, Azure SQL auditing). */
  applicationName?: string;
  /** TypeORM logging; off by default because queries can carry claim data. */
  logging?: DataSourceOptions['logging'];
  /** For `authentication=azure-default` PostgreSQL URLs; DefaultAzureCredential when absent. */
  credential?: TokenCredential;
}

/** Where TypeORM records applied migrations. */
export const migrationsTableName = 'schema_migrations';
