/**
 * A compact description of tables as PostgreSQL reports them, precise enough for a spec to tell
 * when a migration gains or loses a column, changes a length or drops a key.
 *
 * Types are normalised: `character varying(n)` -> `varchar(n)`, `character(n)` -> `char(n)`,
 * NUMERIC -> `decimal(p,s)`, INTEGER -> `int`, TIMESTAMPTZ -> `timestamptz`, TEXT -> `varchar(max)`.
 */
export interface ColumnShape {
  type: string;
  nullable: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  references: { table: string; columns: string[] };
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  foreignKeys: ForeignKeyShape[];
}

export type SchemaShape = Record<string, TableShape>;

/** Foreign keys in a stable order so two shapes compare with a deep equality. */
export function sortForeignKeys(keys: ForeignKeyShape[]): ForeignKeyShape[] {
  const key = (fk: ForeignKeyShape) => `${fk.columns.join(',')}->${fk.references.table}(${fk.references.columns.join(',')})`;
  return [...keys].sort((a, b) => key(a).localeCompare(key(b)));
}
