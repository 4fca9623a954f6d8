/** A measure compared per key: money is in dollars (materiality applies), a count is not. */
export interface ComparedMeasure {
  readonly name: string;
  readonly kind: 'money' | 'count';
}

/**
 * How Domo's output and the curated model are joined and judged. A difference within `absTolerance`
 * or within `relTolerance` of the backend value is a match. A money difference of at least
 * `materialityDollars` is material. `periodColumn` is the key column timing shifts move along
 * (months, as `YYYY-MM-01`).
 */
export interface ComparisonSpec {
  readonly keyColumns: readonly string[];
  readonly periodColumn: string;
  readonly measures: readonly ComparedMeasure[];
  readonly absTolerance: number;
  readonly relTolerance: number;
  readonly materialityDollars: number;
}

/** One row on either side: key values by key column, measure values by measure name. */
export interface KeyedRow {
  readonly key: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * A curated row with the values the same measures take under other known definitions (for
 * example savings gross of reversals): a Domo value matching one of them is a definition change.
 */
export interface CuratedRow extends KeyedRow {
  readonly alternates?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}
