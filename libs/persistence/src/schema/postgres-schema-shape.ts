import type { DataSource } from 'typeorm';
import { sortForeignKeys, type ForeignKeyShape, type SchemaShape } from './schema-shape';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_nullable: 'YES' | 'NO';
}

interface KeyRow {
  constraint_name: string;
  constraint_type: 'PRIMARY KEY' | 'FOREIGN KEY';
  table_name: string;
  column_name: string;
  ordinal_position: number;
  referenced_table: string | null;
  referenced_column: string | null;
}

/**
 * Describes the tables of the public schema as the database itself reports them
 * (information_schema and pg_constraint), so the comparison is against what the PostgreSQL
 * migrations really created, not against their source text.
 */
export async function postgresSchemaShape(dataSource: DataSource, tables?: readonly string[]): Promise<SchemaShape> {
  const columns: ColumnRow[] = await dataSource.query(
    `SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable
       FROM information_schema.columns
      WHERE table_schema = 'public'
      ORDER BY table_name, ordinal_position`,
  );
  // pg_constraint keeps the pairing of a composite foreign key's columns; information_schema
  // only does so through unique-constraint positions, which is easy to get wrong.
  const keys: KeyRow[] = await dataSource.query(
    `SELECT c.conname AS constraint_name,
            CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'FOREIGN KEY' END AS constraint_type,
            t.relname AS table_name,
            a.attname AS column_name,
            k.ord AS ordinal_position,
            rt.relname AS referenced_table,
            ra.attname AS referenced_column
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       LEFT JOIN pg_class rt ON rt.oid = c.confrelid
       LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[k.ord]
      WHERE c.contype IN ('p', 'f')
      ORDER BY t.relname, c.conname, k.ord`,
  );

  const wanted = tables ? new Set(tables) : undefined;
  const shape: SchemaShape = {};
  for (const row of columns) {
    if (wanted && !wanted.has(row.table_name)) continue;
    const table = (shape[row.table_name] ??= { columns: {}, primaryKey: [], foreignKeys: [] });
    table.columns[row.column_name] = { type: normalisePostgresType(row), nullable: row.is_nullable === 'YES' };
  }

  const foreignKeys = new Map<string, ForeignKeyShape & { table: string }>();
  for (const row of keys) {
    const table = shape[row.table_name];
    if (!table) continue;
    if (row.constraint_type === 'PRIMARY KEY') {
      table.primaryKey.push(row.column_name);
      continue;
    }
    const fk = foreignKeys.get(row.constraint_name) ?? {
      table: row.table_name,
      columns: [],
      references: { table: row.referenced_table ?? '', columns: [] },
    };
    fk.columns.push(row.column_name);
    fk.references.columns.push(row.referenced_column ?? '');
    foreignKeys.set(row.constraint_name, fk);
  }
  for (const { table, ...fk } of foreignKeys.values()) shape[table]?.foreignKeys.push(fk);
  for (const table of Object.values(shape)) table.foreignKeys = sortForeignKeys(table.foreignKeys);
  return shape;
}

function normalisePostgresType(row: ColumnRow): string {
  switch (row.data_type) {
    case 'character varying':
      return `varchar(${row.character_maximum_length})`;
    case 'character':
      return `char(${row.character_maximum_length})`;
    case 'numeric':
      return `decimal(${row.numeric_precision},${row.numeric_scale})`;
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp with time zone':
      return 'timestamptz';
    // Unbounded text.
    case 'text':
      return 'varchar(max)';
    default:
      return row.data_type;
  }
}
