import { z } from 'zod';

export const gateSeverities = ['warn', 'error'] as const;
export type GateSeverity = (typeof gateSeverities)[number];

/** Tables a referential gate may look keys up in: the claims source stand-ins. */
export const referenceTables = { clients: ['client_id'], claims: ['claim_id'] } as const;
export type ReferenceTable = keyof typeof referenceTables;

const common = {
  /** Stable id within the dataset, e.g. `claim_id.unique`. */
  id: z.string().regex(/^[a-z0-9_.-]{1,80}$/),
  severity: z.enum(gateSeverities),
  /** Share of checked rows that must pass (dbt/Great Expectations' `mostly`); 1 = every row. */
  mostly: z.number().min(0).max(1).default(1),
};

/**
 * The declarative flaw gates of a dataset. Row gates count failing rows among those checked;
 * dataset gates (freshness, row-count change) check one fact and fail whole.
 */
export const gateRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('not_null'), column: z.string(), ...common }),
  z.object({ kind: z.literal('unique'), columns: z.array(z.string()).min(1), ...common }),
  z.object({ kind: z.literal('accepted_values'), column: z.string(), values: z.array(z.string()).min(1), ...common }),
  z.object({ kind: z.literal('range'), column: z.string(), min: z.number().optional(), max: z.number().optional(), ...common }),
  z.object({
    kind: z.literal('referential'),
    column: z.string(),
    references: z.object({ table: z.enum(['clients', 'claims']), column: z.string() }),
    ...common,
  }),
  /** The newest `column` value is at most `maxAgeDays` older than the data's as-of time. */
  z.object({ kind: z.literal('freshness'), column: z.string(), maxAgeDays: z.number().int().min(0), ...common }),
  /** Rows changed by at most `maxChangeRatio` against the dataset's last promoted export. */
  z.object({ kind: z.literal('row_count_change'), maxChangeRatio: z.number().min(0), ...common }),
]);
export type GateRule = z.infer<typeof gateRuleSchema>;
export type GateRuleInput = z.input<typeof gateRuleSchema>;

export type GateStatus = 'pass' | 'warn' | 'fail';

export interface GateMeasure {
  /** Rows (or facts) checked. */
  readonly checked: number;
  readonly failed: number;
  /** What a dataset gate observed, e.g. `{ newest: '2024-06-28', ageDays: 9 }`. */
  readonly observed?: Readonly<Record<string, string | number | null>>;
}

export interface GateOutcome extends GateMeasure {
  readonly gateId: string;
  readonly kind: GateRule['kind'];
  readonly severity: GateSeverity;
  readonly mostly: number;
  readonly passRate: number;
  readonly status: GateStatus;
}

/** Passing when the share of passing rows reaches `mostly`; a failing gate warns or fails by its severity. */
export function gateOutcome(rule: GateRule, measure: GateMeasure): GateOutcome {
  const passRate = measure.checked === 0 ? 1 : (measure.checked - measure.failed) / measure.checked;
  const passed = measure.failed === 0 || passRate >= rule.mostly;
  const status: GateStatus = passed ? 'pass' : rule.severity === 'error' ? 'fail' : 'warn';
  return { gateId: rule.id, kind: rule.kind, severity: rule.severity, mostly: rule.mostly, passRate, status, ...measure };
}

/** An export is promoted unless an error gate failed. */
export function blocksPromotion(outcomes: readonly GateOutcome[]): boolean {
  return outcomes.some((o) => o.status === 'fail');
}

/** Freshness: whole days between the newest value and the as-of date (both ISO dates). */
export function ageInDays(newest: string, asOf: string): number {
  return Math.floor((Date.parse(asOf.slice(0, 10)) - Date.parse(newest.slice(0, 10))) / 86_400_000);
}

export function rowCountChange(previous: number, current: number): number {
  if (previous === 0) return current === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(current - previous) / previous;
}
