import { Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import * as mssql from 'mssql';
import type { DataSource } from 'typeorm';
import { AzureSqlCuratedPublication, CURATED_PUBLICATION, PostgresCuratedPublication, type CuratedPublication } from '@leaf/domo-takeover/data-access';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DomoTakeoverConfig } from '../config/domo-takeover.config';

/** One pool to Azure SQL, connected on the first publication and closed with the service. */
@Injectable()
export class AzureSqlPool implements OnApplicationShutdown {
  private pool: Promise<mssql.ConnectionPool> | undefined;

  constructor(private readonly connectionString: string) {}

  get(): Promise<mssql.ConnectionPool> {
    // A failed connect is forgotten, so the next publication tries again.
    this.pool ??= new mssql.ConnectionPool(this.connectionString).connect().catch((error: unknown) => {
      this.pool = undefined;
      throw error;
    });
    return this.pool;
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.close();
  }
}

/** The publication LEAF_DOMO_PUBLICATION selects, or null when none is configured. */
export function curatedPublicationFor(config: DomoTakeoverConfig, ds: DataSource, azureSql: () => AzureSqlPool): CuratedPublication | null {
  if (config.LEAF_DOMO_PUBLICATION === 'postgres') return new PostgresCuratedPublication(ds);
  if (config.LEAF_DOMO_PUBLICATION === 'azure-sql') {
    const pool = azureSql();
    return new AzureSqlCuratedPublication(ds, () => pool.get());
  }
  return null;
}

/** The CURATED_PUBLICATION provider (and the Azure SQL pool it may need) for the service's module. */
export function curatedPublicationProviders(config: DomoTakeoverConfig): Provider[] {
  // The config schema guarantees the connection string is present when the target is azure-sql.
  const pool = { provide: AzureSqlPool, useFactory: () => new AzureSqlPool(config.LEAF_DOMO_AZURE_SQL_CONNECTION_STRING ?? '') };
  return [
    pool,
    {
      provide: CURATED_PUBLICATION,
      inject: [DATA_SOURCE, AzureSqlPool],
      useFactory: (ds: DataSource, azureSql: AzureSqlPool) => curatedPublicationFor(config, ds, () => azureSql),
    },
  ];
}
