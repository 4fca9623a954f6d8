import { Parser } from 'node-sql-parser';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../data-source/create-data-source';
import { migrationsTableName } from '../../data-source/data-source-parts';
import { postgresSchemaShape } from '../../schema/postgres-schema-shape';
import type { SchemaShape } from '../../schema/schema-shape';
import { tsqlSchemaShape, withParserCompatibleReferences } from '../../schema/tsql-schema-shape';
import { runMigrations } from '../run-migrations';
import { foundationSchemaMssql } from './1732350000000-foundation-schema.mssql';

describe('foundation schema for SQL Server', () => {
  let pglite: DataSource;
  let postgresShape: SchemaShape;

  beforeAll(async () => {
    pglite = await createDataSource({ kind: 'pglite' }).initialize();
    await runMigrations(pglite);
    const { [migrationsTableName]: _bookkeeping, ...tables } = await postgresSchemaShape(pglite);
    postgresShape = tables;
  });
  afterAll(() => pglite?.destroy());

  it('parses every statement as T-SQL', () => {
    const parser = new Parser();
    for (const statement of foundationSchemaMssql) {
      expect(() => parser.astify(withParserCompatibleReferences(statement), { database: 'transactsql' })).not.toThrow();
    }
  });

  it('declares the same tables, columns, types, nullability and keys as the PostgreSQL migration created', () => {
    expect(Object.keys(postgresShape).sort()).toEqual(['claims', 'clients', 'contract_guarantees', 'contract_periods', 'seed_runs']);
    expect(tsqlSchemaShape(foundationSchemaMssql)).toEqual(postgresShape);
  });

  it('would notice a column missing from the T-SQL side', () => {
    const withoutColumn = foundationSchemaMssql.map((s) => s.replace(/\n\s*is_uc_priced BIT NOT NULL,/, ''));
    expect(withoutColumn).not.toEqual(foundationSchemaMssql);
    expect(tsqlSchemaShape(withoutColumn)).not.toEqual(postgresShape);
  });

  it('would notice a changed precision or a lost foreign key', () => {
    const narrower = foundationSchemaMssql.map((s) => s.replace('awp DECIMAL(14,2)', 'awp DECIMAL(12,2)'));
    expect(tsqlSchemaShape(narrower)).not.toEqual(postgresShape);
    const noFk = foundationSchemaMssql.map((s) =>
      s.replace(/,\n\s*CONSTRAINT fk_contract_periods_client FOREIGN KEY \(client_id\) REFERENCES clients \(client_id\)/, ''),
    );
    expect(noFk).not.toEqual(foundationSchemaMssql);
    expect(tsqlSchemaShape(noFk)).not.toEqual(postgresShape);
  });

  it('uses the T-SQL types the brief asks for', () => {
    const sql = foundationSchemaMssql.join('\n');
    expect(sql).toMatch(/created_at DATETIMEOFFSET NOT NULL DEFAULT SYSDATETIMEOFFSET\(\)/);
    expect(sql).not.toMatch(/\b(BOOLEAN|TIMESTAMPTZ|NUMERIC|now\(\))/i);
  });
});
