import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { DatabaseConfig, DatabaseConfigInput } from '../config/database-config';
import type { DataSourceParts } from '../data-source/data-source-parts';

export interface PersistenceModuleOptions extends Pick<DataSourceParts, 'entities' | 'migrations' | 'applicationName' | 'logging'> {
  database: DatabaseConfigInput | DatabaseConfig;
  /** Apply pending migrations before anything can use the data source. Default false. */
  runMigrations?: boolean;
}

export interface PersistenceModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => PersistenceModuleOptions | Promise<PersistenceModuleOptions>;
  inject?: FactoryProvider['inject'];
}
