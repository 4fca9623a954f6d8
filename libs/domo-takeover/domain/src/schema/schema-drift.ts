import type { DeclaredColumn, DomoColumn, DomoColumnType } from './domo-column';

export interface SchemaDrift {
  /** In the export, not declared: kept in bronze, not loaded to silver. */
  readonly added: readonly DomoColumn[];
  /** Declared, missing from the export: the export cannot be typed. */
  readonly removed: readonly DomoColumn[];
  /** Same name, another type: the export cannot be typed without coercion, so it is not. */
  readonly retyped: readonly { name: string; declared: DomoColumnType; observed: DomoColumnType }[];
}

export const noDrift: SchemaDrift = { added: [], removed: [], retyped: [] };

/** Drift that stops a silver load: anything but added columns. */
export function blocksSilver(drift: SchemaDrift): boolean {
  return drift.removed.length > 0 || drift.retyped.length > 0;
}

export function hasDrift(drift: SchemaDrift): boolean {
  return drift.added.length + drift.removed.length + drift.retyped.length > 0;
}

/**
 * Compares the columns an export carries (Domo's schema for it) with the declared ones, by name
 * (Domo column names are case-sensitive; so is this). Order changes are not drift: rows are read
 * by header name.
 */
export function detectDrift(declared: readonly DeclaredColumn[], observed: readonly DomoColumn[]): SchemaDrift {
  const observedByName = new Map(observed.map((c) => [c.name, c]));
  const declaredNames = new Set(declared.map((c) => c.name));
  const removed: DomoColumn[] = [];
  const retyped: { name: string; declared: DomoColumnType; observed: DomoColumnType }[] = [];
  for (const column of declared) {
    const seen = observedByName.get(column.name);
    if (seen === undefined) removed.push({ name: column.name, type: column.type });
    else if (seen.type !== column.type) retyped.push({ name: column.name, declared: column.type, observed: seen.type });
  }
  const added = observed.filter((c) => !declaredNames.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
  return { added, removed, retyped };
}
