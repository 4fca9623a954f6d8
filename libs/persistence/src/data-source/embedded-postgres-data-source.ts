import { DataSource, type DataSourceOptions } from 'typeorm';
import { EmbeddedPostgres, type EmbeddedPostgresOptions } from '../embedded/embedded-postgres';

// The driver reads the URL when it connects, not when it is constructed, so a placeholder is
// replaced by the real (free) port once the embedded server is up.
type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

const placeholderUrl = 'postgres://postgres@127.0.0.1:0/postgres';

/**
 * A TypeORM DataSource that owns its embedded Postgres: `initialize()` starts PGlite and its
 * socket server, `destroy()` stops them. TypeORM's own `postgres` driver talks to it over `pg`,
 * so entities, query builders and migrations behave exactly as on a real server.
 */
export class EmbeddedPostgresDataSource extends DataSource {
  private server: EmbeddedPostgres | undefined;

  constructor(
    options: Omit<PostgresDataSourceOptions, 'url'>,
    private readonly embeddedOptions: EmbeddedPostgresOptions,
  ) {
    super({ ...options, url: placeholderUrl });
  }

  /** The running embedded server (for `pglite` COPY loads), once initialised. */
  get embedded(): EmbeddedPostgres | undefined {
    return this.server;
  }

  override async initialize(): Promise<this> {
    if (this.isInitialized) return super.initialize(); // TypeORM's "already connected" error
    const server = await EmbeddedPostgres.start(this.embeddedOptions);
    this.server = server;
    this.setOptions({ url: server.url });
    try {
      return await super.initialize();
    } catch (error) {
      await this.stopServer();
      throw error;
    }
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.stopServer();
    }
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }
}
