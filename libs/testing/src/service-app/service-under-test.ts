import { loadServiceConfig, startServiceApp, type PlatformConfig, type ServiceDefinition } from '@leaf/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client as PgClient } from 'pg';
import type { Logger } from 'pino';

export interface ServiceUnderTest {
  readonly app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` of the app's listener. */
  readonly base: string;
  /** A plain connection to the service's database, for the spec's own checks. */
  readonly pg: PgClient;
  /** Ends the connection, then closes the app (its drain and shutdown hooks run). */
  stop(): Promise<void>;
}

/**
 * A service's app in this process, as its container would start it: configuration loaded from
 * `env` over the database and a file lake, migrations applied, listening on a free port.
 */
export async function startServiceUnderTest<C extends PlatformConfig>(
  definition: ServiceDefinition<C>,
  options: { databaseUrl: string; lakeDir: string; logger: Logger; env?: Record<string, string> },
): Promise<ServiceUnderTest> {
  const config = loadServiceConfig(definition, {
    LEAF_DATABASE_URL: options.databaseUrl,
    LEAF_LAKE_URL: `file:${options.lakeDir}`,
    PORT: '0',
    ...options.env,
  });
  const app = await startServiceApp(definition, config, options.logger);
  const pg = new PgClient({ connectionString: options.databaseUrl });
  try {
    await pg.connect();
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
    pg,
    async stop() {
      await pg.end();
      await app.close();
    },
  };
}
