import { Parser } from 'node-sql-parser';
import type { DataSource } from 'typeorm';
import {
  createDataSource,
  postgresMigrations,
  runMigrations,
} from '@leaf/persistence';
import {
  postgresSchemaShape,
  tsqlSchemaShape,
  withParserCompatibleReferences,
} from '@leaf/persistence/testing';
import {
  ReconciliationSchema1733000000000,
  reconciliationSchemaMssql,
} from './reconciliation-schema';

describe('reconciliation schema for SQL Server', () => {
  let pglite: DataSource;

  beforeAll(async () => {
    pglite = await createDataSource(
      { kind: 'pglite' },
      {
        migrations: [...postgresMigrations, ReconciliationSchema1733000000000],
      },
    ).initialize();
    await runMigrations(pglite);
  });
  afterAll(() => pglite?.destroy());

  it('parses every statement as T-SQL', () => {
    const parser = new Parser();
    for (const statement of reconciliationSchemaMssql) {
      expect(() =>
        parser.astify(withParserCompatibleReferences(statement), {
          database: 'transactsql',
        }),
      ).not.toThrow();
    }
  });

  it('declares the same run and finding tables as PostgreSQL created, and the offset group column', async () => {
    const shape = await postgresSchemaShape(pglite);
    const created = tsqlSchemaShape(
      reconciliationSchemaMssql.filter((s) => s.startsWith('CREATE TABLE')),
    );
    expect(created).toEqual({
      reconciliation_runs: shape['reconciliation_runs'],
      reconciliation_findings: shape['reconciliation_findings'],
    });
    expect(JSON.stringify(shape['contract_guarantees'])).toContain(
      'offset_group',
    );
    expect(reconciliationSchemaMssql[0]).toMatch(
      /ALTER TABLE contract_guarantees ADD offset_group NVARCHAR\(32\) NULL/,
    );
  });

  it('reverts cleanly', async () => {
    await pglite.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(pglite);
    expect(shape['reconciliation_runs']).toBeUndefined();
    expect(JSON.stringify(shape['contract_guarantees'])).not.toContain(
      'offset_group',
    );
  });
});
