import { Parser } from 'node-sql-parser';
import { sortForeignKeys, type ColumnShape, type ForeignKeyShape, type SchemaShape, type TableShape } from './schema-shape';

/**
 * node-sql-parser 5.4.0 (the latest release) parses T-SQL `REFERENCES t (c)` as a table with a
 * table hint and fails; it accepts `(c ASC)`. Fixed upstream in taozhi8833998/node-sql-parser#2648,
 * unreleased so far. Only the reference column lists are touched, and only for parsing.
 */
export function withParserCompatibleReferences(sql: string): string {
  return sql.replace(/REFERENCES\s+([\w.[\]]+)\s*\(([^)]*)\)/gi, (_all, table: string, columns: string) => {
    const ordered = columns
      .split(',')
      .map((column) => column.trim())
      .map((column) => (/\s(ASC|DESC)$/i.test(column) ? column : `${column} ASC`))
      .join(', ');
    return `REFERENCES ${table} (${ordered})`;
  });
}

interface AstColumnRef {
  column: string | { expr: { value: string } };
}

interface AstDefinition {
  resource: 'column' | 'constraint' | string;
  column?: AstColumnRef;
  definition?: { dataType: string; length?: number; scale?: number } | AstColumnRef[];
  nullable?: { type: string };
  primary_key?: string;
  constraint_type?: string;
  reference_definition?: { definition: AstColumnRef[]; table: Array<{ table: string }> };
}

interface AstCreate {
  type: string;
  keyword: string;
  table: Array<{ table: string }>;
  create_definitions: AstDefinition[];
}

/**
 * Parses each T-SQL statement with node-sql-parser (`transactsql`) and describes the tables the
 * CREATE TABLE statements declare. Throws (naming the statement) if any statement does not parse.
 */
export function tsqlSchemaShape(statements: readonly string[]): SchemaShape {
  const parser = new Parser();
  const shape: SchemaShape = {};
  statements.forEach((statement, index) => {
    let ast: unknown;
    try {
      ast = parser.astify(withParserCompatibleReferences(statement), { database: 'transactsql' });
    } catch (error) {
      throw new Error(`T-SQL statement ${index + 1} does not parse: ${statement.slice(0, 80)}...`, { cause: error });
    }
    for (const node of (Array.isArray(ast) ? ast : [ast]) as AstCreate[]) {
      if (node.type === 'create' && node.keyword === 'table') {
        const [target] = node.table;
        if (target) shape[target.table] = tableShape(node.create_definitions);
      }
    }
  });
  return shape;
}

function tableShape(definitions: AstDefinition[]): TableShape {
  const columns: Record<string, ColumnShape> = {};
  let primaryKey: string[] = [];
  const foreignKeys: ForeignKeyShape[] = [];
  for (const def of definitions) {
    if (def.resource === 'column' && def.column && def.definition && !Array.isArray(def.definition)) {
      const name = columnName(def.column);
      columns[name] = { type: normaliseTsqlType(def.definition), nullable: def.nullable?.type !== 'not null' && def.nullable?.type !== 'notnull' };
      if (def.primary_key) primaryKey = [name];
    } else if (def.resource === 'constraint' && Array.isArray(def.definition)) {
      const kind = (def.constraint_type ?? '').toLowerCase().replace(/\s+/g, '');
      if (kind === 'primarykey') primaryKey = def.definition.map(columnName);
      if (kind === 'foreignkey' && def.reference_definition) {
        foreignKeys.push({
          columns: def.definition.map(columnName),
          references: {
            table: def.reference_definition.table[0]?.table ?? '',
            columns: def.reference_definition.definition.map(columnName),
          },
        });
      }
    }
  }
  return { columns, primaryKey, foreignKeys: sortForeignKeys(foreignKeys) };
}

function columnName(ref: AstColumnRef): string {
  return typeof ref.column === 'string' ? ref.column : ref.column.expr.value;
}

function normaliseTsqlType(def: { dataType: string; length?: number; scale?: number }): string {
  const type = def.dataType.toUpperCase();
  switch (type) {
    case 'VARCHAR':
    case 'NVARCHAR':
      return `varchar(${def.length ?? 1})`;
    case 'CHAR':
    case 'NCHAR':
      return `char(${def.length ?? 1})`;
    case 'DECIMAL':
    case 'NUMERIC':
      return `decimal(${def.length ?? 18},${def.scale ?? 0})`;
    case 'INT':
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'bigint';
    case 'BIT':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'DATETIMEOFFSET':
      return 'timestamptz';
    default:
      return type.toLowerCase();
  }
}
