import type { DataSource } from 'typeorm';
import { ageInDays, gateOutcome, referenceTables, rowCountChange, type DatasetDefinition, type GateOutcome, type GateRule } from '@leaf/domo-takeover/domain';

export type SampleRow = Record<string, string | number | null>;

export interface GateResult extends GateOutcome {
  readonly samples: readonly SampleRow[];
}

export interface GateContext {
  readonly exportId: string;
  readonly rows: number;
  /** The data's as-of time (Domo's dataCurrentAt, else the export time), for freshness. */
  readonly asOf: string;
  /** Rows of the dataset's last promoted export, for the row-count change gate. */
  readonly previousRows: number | undefined;
}

const SAMPLES = 5;

/** Declared names only reach SQL through here; they are checked against the definition first. */
function ident(def: DatasetDefinition, column: string): string {
  if (!def.columns.some((c) => c.name === column) || !/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`unknown column ${column}`);
  return `"${column}"`;
}

interface RowPredicate {
  /** FROM clause over the export's silver rows, aliased `t`. */
  readonly from: string;
  readonly failing: string;
  readonly params: unknown[];
}

function predicate(def: DatasetDefinition, rule: GateRule): RowPredicate | undefined {
  const table = `(SELECT * FROM ${def.silverTable} WHERE export_id = $1) t`;
  switch (rule.kind) {
    case 'not_null':
      return { from: table, failing: `t.${ident(def, rule.column)} IS NULL`, params: [] };
    case 'unique': {
      const cols = rule.columns.map((c) => ident(def, c)).join(', ');
      return {
        from: `(SELECT s.*, count(*) OVER (PARTITION BY ${cols}) AS dup_count FROM ${def.silverTable} s WHERE s.export_id = $1) t`,
        failing: 't.dup_count > 1',
        params: [],
      };
    }
    case 'accepted_values':
      return {
        from: table,
        failing: `t.${ident(def, rule.column)} IS NOT NULL AND NOT (t.${ident(def, rule.column)}::text = ANY($2::text[]))`,
        params: [rule.values],
      };
    case 'range': {
      const col = `t.${ident(def, rule.column)}`;
      const parts: string[] = [];
      const params: unknown[] = [];
      if (rule.min !== undefined) {
        params.push(rule.min);
        parts.push(`${col} < $${params.length + 1}`);
      }
      if (rule.max !== undefined) {
        params.push(rule.max);
        parts.push(`${col} > $${params.length + 1}`);
      }
      return { from: table, failing: parts.length ? `(${parts.join(' OR ')})` : 'false', params };
    }
    case 'referential': {
      const refColumns: readonly string[] = referenceTables[rule.references.table];
      if (!refColumns.includes(rule.references.column)) throw new Error(`cannot reference ${rule.references.table}.${rule.references.column}`);
      const col = `t.${ident(def, rule.column)}`;
      return {
        from: table,
        failing: `${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${rule.references.table} r WHERE r.${rule.references.column} = ${col})`,
        params: [],
      };
    }
    default:
      return undefined;
  }
}

/**
 * Runs a dataset's gates over one export's silver rows, in SQL (so a 5M-row export is never
 * held in memory): each row gate counts checked and failing rows and samples the first failing
 * ones by row number; freshness and row-count change check one fact.
 */
export async function runGates(ds: DataSource, def: DatasetDefinition, ctx: GateContext): Promise<GateResult[]> {
  const out: GateResult[] = [];
  for (const rule of def.gates) {
    const row = predicate(def, rule);
    if (row !== undefined) {
      const params = [ctx.exportId, ...row.params];
      const counted = (await ds.query(
        `SELECT count(*)::bigint AS checked, count(*) FILTER (WHERE ${row.failing})::bigint AS failed FROM ${row.from}`,
        params,
      )) as { checked: string; failed: string }[];
      const checked = Number(counted[0]?.checked ?? 0);
      const failed = Number(counted[0]?.failed ?? 0);
      let samples: SampleRow[] = [];
      if (failed > 0) {
        const cols = def.columns.map((c) => `t.${ident(def, c.name)}::text AS ${ident(def, c.name)}`).join(', ');
        const rows = (await ds.query(
          `SELECT t.row_no::bigint AS row_no, ${cols} FROM ${row.from} WHERE ${row.failing} ORDER BY t.row_no LIMIT ${SAMPLES}`,
          params,
        )) as SampleRow[];
        samples = rows.map((r) => ({ ...r, row_no: Number(r['row_no']) }));
      }
      out.push({ ...gateOutcome(rule, { checked, failed }), samples });
      continue;
    }
    if (rule.kind === 'freshness') {
      const newest = (await ds.query(`SELECT max(${ident(def, rule.column)})::text AS newest FROM ${def.silverTable} WHERE export_id = $1`, [
        ctx.exportId,
      ])) as { newest: string | null }[];
      const value = newest[0]?.newest ?? null;
      const age = value === null ? Number.POSITIVE_INFINITY : ageInDays(value, ctx.asOf);
      const failed = age > rule.maxAgeDays ? 1 : 0;
      out.push({
        ...gateOutcome(rule, { checked: 1, failed, observed: { newest: value, asOf: ctx.asOf.slice(0, 10), ageDays: Number.isFinite(age) ? age : null } }),
        samples: [],
      });
    } else if (rule.kind === 'row_count_change') {
      if (ctx.previousRows === undefined) {
        out.push({ ...gateOutcome(rule, { checked: 0, failed: 0, observed: { previous: null, current: ctx.rows } }), samples: [] });
      } else {
        const change = rowCountChange(ctx.previousRows, ctx.rows);
        const failed = change > rule.maxChangeRatio ? 1 : 0;
        out.push({
          ...gateOutcome(rule, {
            checked: 1,
            failed,
            observed: { previous: ctx.previousRows, current: ctx.rows, change: Number.isFinite(change) ? Math.round(change * 10_000) / 10_000 : null },
          }),
          samples: [],
        });
      }
    }
  }
  return out;
}
