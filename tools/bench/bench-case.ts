/**
 * A benchmark case measures our implementation and a named reference in the same run, so the
 * ratio means something on whatever machine (and whatever else it is doing) runs it.
 */
export type BenchKind = 'throughput' | 'time';

export interface BenchMeasurement {
  readonly value: number;
  readonly reference: { readonly name: string; readonly value: number };
}

export interface BenchCase<Context> {
  readonly name: string;
  /** e.g. 'claims/s' for a throughput, 'ms' for a time. */
  readonly unit: string;
  readonly kind: BenchKind;
  measure(context: Context): Promise<BenchMeasurement>;
}

export interface BenchSuiteArgs {
  /** Workload size; each suite documents its default. */
  readonly claims?: number;
  /** Progress for humans; never stdout, which may carry JSON. */
  readonly log: (message: string) => void;
}

export interface BenchSuite<Context = unknown> {
  readonly name: string;
  readonly description: string;
  setup(args: BenchSuiteArgs): Promise<Context>;
  teardown(context: Context): Promise<void>;
  readonly cases: readonly BenchCase<Context>[];
}

export interface BenchCaseResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly reference: { readonly name: string; readonly value: number };
  /** Above 1.0 means we are ahead: ours/reference for throughputs, reference/ours for times. */
  readonly ratio: number;
}

export interface BenchSuiteResult {
  readonly suite: string;
  readonly cases: readonly BenchCaseResult[];
}

export function ratioOf(kind: BenchKind, ours: number, reference: number): number {
  const ratio = kind === 'throughput' ? ours / reference : reference / ours;
  return Number.isFinite(ratio) ? Math.round(ratio * 1000) / 1000 : 0;
}

/** Lets a registry hold suites of different context types. */
export function defineSuite<Context>(suite: BenchSuite<Context>): BenchSuite {
  return suite as unknown as BenchSuite;
}
