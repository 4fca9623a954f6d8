import type { DataSource } from 'typeorm';
import { declaredColumns, domoDatasets } from '@leaf/domo-takeover/domain';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape } from '@leaf/persistence/testing';
import { DomoTakeoverSchema1736500000000, domoTakeoverMigrations } from './1736500000000-domo-takeover-schema';

const pgType = { STRING: 'varchar', LONG: 'bigint', DECIMAL: 'decimal', DOUBLE: 'double', DATE: 'date', DATETIME: 'timestamptz' } as const;

describe('domo-takeover schema on PGlite', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await createDataSource({ kind: 'pglite' }, { migrations: [...postgresMigrations, ...domoTakeoverMigrations.postgres] }).initialize();
    await runMigrations(ds);
  });
  afterAll(() => ds?.destroy());

  it.each(domoDatasets.map((d) => [d.name, d] as const))('gives %s a silver table matching its declared zod schema', async (_name, def) => {
    const shape = await postgresSchemaShape(ds, [def.silverTable]);
    const columns = shape[def.silverTable]?.columns ?? {};
    expect(Object.keys(columns)).toEqual(['export_id', 'row_no', ...def.columns.map((c) => c.name)]);
    for (const c of declaredColumns(def.schema)) {
      expect({ column: c.name, type: columns[c.name]?.type.replace(/\(.*\)/, ''), nullable: columns[c.name]?.nullable }).toEqual({
        column: c.name,
        type: pgType[c.type],
        nullable: c.nullable,
      });
    }
  });

  it('creates the publication stand-in schema and reverts cleanly', async () => {
    expect(await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'dedicated_domo_takeover'`)).toEqual([{ n: 1 }]);
    // Its own down (the foundation list may hold migrations dated after it, so "undo last" would undo another).
    const runner = ds.createQueryRunner();
    await new DomoTakeoverSchema1736500000000().down(runner);
    await runner.release();
    expect(
      await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name LIKE 'domo_%' OR table_schema = 'dedicated_domo_takeover'`),
    ).toEqual([{ n: 0 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'claims'`)).toEqual([{ n: 1 }]);
  });
});
