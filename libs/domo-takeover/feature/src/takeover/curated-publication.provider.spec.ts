import { AzureSqlCuratedPublication, PostgresCuratedPublication } from '@leaf/domo-takeover/data-access';
import { isConfigError, loadConfig } from '@leaf/platform';
import type { DataSource } from 'typeorm';
import { domoTakeoverConfigSchema } from '../config/domo-takeover.config';
import { AzureSqlPool, curatedPublicationFor } from './curated-publication.provider';

const ds = {} as DataSource;
const config = (env: Record<string, string>) => loadConfig(domoTakeoverConfigSchema, env);

describe('curated publication wiring', () => {
  it('publishes nowhere by default, to the PostgreSQL schema or to Azure SQL when configured', () => {
    let pools = 0;
    const pool = () => {
      pools += 1;
      return new AzureSqlPool('Server=tcp:x.database.windows.net;Database=d;Authentication=Active Directory Default');
    };
    expect(curatedPublicationFor(config({}), ds, pool)).toBeNull();
    expect(curatedPublicationFor(config({ LEAF_DOMO_PUBLICATION: 'postgres' }), ds, pool)).toBeInstanceOf(PostgresCuratedPublication);
    const azure = curatedPublicationFor(
      config({ LEAF_DOMO_PUBLICATION: 'azure-sql', LEAF_DOMO_AZURE_SQL_CONNECTION_STRING: 'Server=tcp:x.database.windows.net;Database=d' }),
      ds,
      pool,
    );
    expect(azure).toBeInstanceOf(AzureSqlCuratedPublication);
    expect(azure?.target).toBe('azure-sql');
    // Only the Azure SQL target asks for the pool (which connects on its first publication, not here).
    expect(pools).toBe(1);
  });

  it('refuses azure-sql without a connection string, and an unknown target, naming the setting and never echoing a value', () => {
    for (const [env, setting] of [
      [{ LEAF_DOMO_PUBLICATION: 'azure-sql' }, 'LEAF_DOMO_AZURE_SQL_CONNECTION_STRING'],
      [{ LEAF_DOMO_PUBLICATION: 'sqlite' }, 'LEAF_DOMO_PUBLICATION'],
    ] as const) {
      const error: unknown = (() => {
        try {
          config(env);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain(setting);
    }
  });
});
