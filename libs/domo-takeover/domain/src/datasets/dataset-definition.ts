import type { z } from 'zod';
import { declaredColumns, type DatasetRowSchema, type DeclaredColumn } from '../schema/domo-column';
import { gateRuleSchema, type GateRule, type GateRuleInput } from '../gates/gate-rule';

/**
 * A Domo dataset the takeover reads: its row schema (zod, with Domo types), its key, its silver
 * table and its flaw gates. `domoName` is how the dataset is titled in Domo (ids differ per
 * instance; the catalogue maps by name).
 */
export interface DatasetDefinition<S extends DatasetRowSchema = DatasetRowSchema> {
  readonly name: string;
  readonly domoName: string;
  readonly description: string;
  readonly schema: S;
  readonly columns: readonly DeclaredColumn[];
  readonly key: readonly string[];
  readonly silverTable: string;
  readonly gates: readonly GateRule[];
  /** The column a freshness gate measures and the curated comparison treats as its period. */
  readonly asOfColumn?: string;
}

export type DatasetRow<D extends DatasetDefinition> = z.infer<D['schema']>;

export function defineDataset<S extends DatasetRowSchema>(def: {
  name: string;
  domoName: string;
  description: string;
  schema: S;
  key: readonly (keyof S['shape'] & string)[];
  silverTable: string;
  gates: readonly GateRuleInput[];
  asOfColumn?: keyof S['shape'] & string;
}): DatasetDefinition<S> {
  const columns = declaredColumns(def.schema);
  const names = new Set(columns.map((c) => c.name));
  const gates = def.gates.map((g) => gateRuleSchema.parse(g));
  for (const gate of gates) {
    const used = 'columns' in gate ? gate.columns : 'column' in gate ? [gate.column] : [];
    for (const column of used) if (!names.has(column)) throw new Error(`gate ${gate.id} of ${def.name} names unknown column ${column}`);
  }
  return { ...def, columns, gates };
}
