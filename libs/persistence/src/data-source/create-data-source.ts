import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  parseDatabaseConfig,
  type DatabaseConfig,
  type DatabaseConfigInput,
  type MssqlDatabaseConfig,
  type PostgresDatabaseConfig,
} from '../config/database-config';
import { postgresMigrations } from '../migrations/migration-sets';
import { migrationsTableName, type DataSourceParts, type MigrationList } from './data-source-parts';
import { EmbeddedPostgresDataSource } from './embedded-postgres-data-source';
import { entraPasswordProvider } from './entra-password';

type SqlServerDataSourceOptions = Extract<DataSourceOptions, { type: 'mssql' }>;

const defaultApplicationName = 'leaf';

/**
 * A TypeORM DataSource for a database config, not yet initialised (call `initialize()`, or let
 * PersistenceModule do it). Construction never touches the network, so an `mssql` source can be
 * built and its metadata inspected on a machine without SQL Server. A `pglite` source starts its
 * own embedded Postgres on `initialize()` and stops it on `destroy()`.
 */
export function createDataSource(config: DatabaseConfigInput | DatabaseConfig, parts: DataSourceParts = {}): DataSource {
  const parsed = parseDatabaseConfig(config);
  const common = {
    entities: parts.entities ?? [],
    migrations: parts.migrations ?? defaultMigrations(parsed),
    migrationsTableName,
    migrationsTransactionMode: 'each' as const,
    logging: parts.logging ?? false,
  };
  const applicationName = parts.applicationName ?? defaultApplicationName;

  switch (parsed.kind) {
    case 'pglite':
      // PGlite runs one query at a time whatever the pool size; a few connections avoid head-of-line
      // blocking on connection checkout without pretending to parallelism.
      return new EmbeddedPostgresDataSource(
        { type: 'postgres', ...common, poolSize: 4, applicationName },
        parsed.dataDir === undefined ? { extensions: 'vector' } : { dataDir: parsed.dataDir, extensions: 'vector' },
      );
    case 'postgres':
      return new DataSource({
        type: 'postgres',
        ...common,
        ...postgresConnectionOptions(parsed, parts.credential),
        ...(parsed.poolSize === undefined ? {} : { poolSize: parsed.poolSize }),
        applicationName,
        connectTimeoutMS: 10_000,
      });
    case 'mssql':
      return new DataSource(mssqlOptions(parsed, common, applicationName));
  }
}

type PostgresConnection = Pick<Extract<DataSourceOptions, { type: 'postgres' }>, 'url' | 'host' | 'port' | 'username' | 'database' | 'password' | 'ssl'>;

/**
 * Password URLs go to `pg` whole. For Entra sign-in the URL is taken apart: `pg` lets a
 * connection string's (empty) password override a `password` function, so the parts are passed
 * one by one with the token provider as the password.
 */
export function postgresConnectionOptions(config: PostgresDatabaseConfig, credential?: TokenCredential): PostgresConnection {
  if (config.authentication !== 'azure-default') return { url: config.url };
  const url = new URL(config.url);
  const sslmode = url.searchParams.get('sslmode');
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    username: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    // Azure Database for PostgreSQL requires TLS; only an explicit sslmode=disable turns it off.
    ssl: sslmode !== 'disable',
    password: entraPasswordProvider(
      credential ?? new DefaultAzureCredential(config.clientId === undefined ? {} : { managedIdentityClientId: config.clientId }),
    ),
  };
}

function mssqlOptions(
  config: MssqlDatabaseConfig,
  common: Pick<SqlServerDataSourceOptions, 'entities' | 'migrations' | 'migrationsTableName' | 'migrationsTransactionMode' | 'logging'>,
  applicationName: string,
): SqlServerDataSourceOptions {
  return {
    type: 'mssql',
    ...common,
    host: config.server,
    port: config.port,
    database: config.database,
    authentication:
      config.authentication === 'sql'
        ? { type: 'default', options: { userName: config.user, password: config.password } }
        : { type: 'azure-active-directory-default', options: config.clientId === undefined ? {} : { clientId: config.clientId } },
    options: { encrypt: config.encrypt, trustServerCertificate: config.trustServerCertificate, appName: applicationName },
    pool: { max: config.poolSize ?? 10 },
    connectionTimeout: 15_000,
    requestTimeout: 30_000,
  };
}

/**
 * Operational state lives in PostgreSQL (PGlite locally), so that is where the foundation schema
 * goes. A SQL Server source is the claims authority, read and never migrated: it gets none.
 */
function defaultMigrations(config: DatabaseConfig): MigrationList {
  return config.kind === 'mssql' ? [] : postgresMigrations;
}
