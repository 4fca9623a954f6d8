import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/create-data-source';
import { runMigrations } from '../migrations/run-migrations';
import type { PersistenceModuleAsyncOptions, PersistenceModuleOptions } from './persistence-module-options';
import { DATA_SOURCE, PERSISTENCE_OPTIONS } from './persistence.tokens';

/**
 * The DataSource is created, connected and migrated inside its async provider, during module
 * initialisation. Doing it there rather than in an `onModuleInit` hook means no provider can ever
 * be handed a DataSource that is not yet connected, whatever order Nest runs the hooks in.
 */
const dataSourceProvider: Provider = {
  provide: DATA_SOURCE,
  inject: [PERSISTENCE_OPTIONS],
  useFactory: async (options: PersistenceModuleOptions): Promise<DataSource> => {
    const dataSource = createDataSource(options.database, options);
    await dataSource.initialize();
    try {
      if (options.runMigrations) await runMigrations(dataSource);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    return dataSource;
  },
};

@Global()
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [{ provide: PERSISTENCE_OPTIONS, useValue: options }, dataSourceProvider],
      exports: [DATA_SOURCE],
    };
  }

  static forRootAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: options.imports ?? [],
      providers: [{ provide: PERSISTENCE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, dataSourceProvider],
      exports: [DATA_SOURCE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
