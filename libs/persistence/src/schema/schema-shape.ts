/**
 * A dialect-neutral description of tables, precise enough to tell two dialects' migrations apart
 * when one gains a column, changes a length or loses a key the other still has.
 *
 * Types are normalised: VARCHAR/NVARCHAR(n) and `character varying(n)` -> `varchar(n)`, CHAR/NCHAR and
 * `character` -> `char(n)`, DECIMAL/NUMERIC -> `decimal(p,s)`, INT/INTEGER -> `int`, BIT/BOOLEAN ->
 * `boolean`, DATETIMEOFFSET/TIMESTAMPTZ -> `timestamptz`, TEXT and NVARCHAR(MAX) -> `varchar(max)`. NVARCHAR vs VARCHAR is a storage choice
 * per dialect, not a schema difference.
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
