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
import { claimsRuntimeMigrations } from './claims-runtime.migrations';
import {
  reconciliationSchemaMssql,
  runIdempotencySchemaMssql,
} from './reconciliation-schema';

describe('reconciliation schema for SQL Server', () => {
  let pglite: DataSource;

  beforeAll(async () => {
    pglite = await createDataSource(
      { kind: 'pglite' },
      {
        migrations: [
          ...postgresMigrations,
          // The T-SQL list mirrors the PostgreSQL one up to run leases (PostgreSQL-only state).
          ...claimsRuntimeMigrations.postgres.slice(
            0,
            claimsRuntimeMigrations.mssql.length,
          ),
        ],
      },
    ).initialize();
    await runMigrations(pglite);
  });
  afterAll(() => pglite?.destroy());

  it('parses every statement as T-SQL', () => {
    const parser = new Parser();
    for (const statement of [
      ...reconciliationSchemaMssql,
      ...runIdempotencySchemaMssql,
    ]) {
      expect(() =>
        parser.astify(withParserCompatibleReferences(statement), {
          database: 'transactsql',
        }),
      ).not.toThrow();
    }
  });

  it('declares the same run and finding tables as PostgreSQL created, and the offset group column', async () => {
    const shape = await postgresSchemaShape(pglite);
    // The T-SQL shape reader knows CREATE TABLE only: fold the later ADD COLUMN into it.
    const created = tsqlSchemaShape(
      reconciliationSchemaMssql
        .filter((s) => s.startsWith('CREATE TABLE'))
        .map((s) =>
          s.replace(
            '    artifacts NVARCHAR(MAX) NULL\n',
            '    artifacts NVARCHAR(MAX) NULL,\n    idempotency_key NVARCHAR(200) NULL\n',
          ),
        ),
    );
    expect(created).toEqual({
      reconciliation_runs: shape['reconciliation_runs'],
      reconciliation_findings: shape['reconciliation_findings'],
    });
    expect(JSON.stringify(shape['contract_guarantees'])).toContain(
      'offset_group',
    );
    expect(runIdempotencySchemaMssql[0]).toBe(
      'ALTER TABLE reconciliation_runs ADD idempotency_key NVARCHAR(200) NULL',
    );
    expect(reconciliationSchemaMssql[0]).toMatch(
      /ALTER TABLE contract_guarantees ADD offset_group NVARCHAR\(32\) NULL/,
    );
  });

  it('reverts cleanly', async () => {
    await pglite.undoLastMigration({ transaction: 'each' });
    expect(
      JSON.stringify(
        (await postgresSchemaShape(pglite))['reconciliation_runs'],
      ),
    ).not.toContain('idempotency_key');
    await pglite.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(pglite);
    expect(shape['reconciliation_runs']).toBeUndefined();
    expect(JSON.stringify(shape['contract_guarantees'])).not.toContain(
      'offset_group',
    );
  });
});
