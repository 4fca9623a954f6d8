import type { DomoReasonCode } from '@leaf/contracts';
import type { ComparisonSpec, CuratedRow, KeyedRow } from './comparison-spec';

export interface Difference {
  readonly key: Readonly<Record<string, string>>;
  readonly measure: string;
  readonly domo: number | null;
  readonly backend: number | null;
  readonly delta: number;
  readonly material: boolean;
  readonly reason: DomoReasonCode;
  readonly note: string;
}

export interface KeyDiffResult {
  readonly keysCompared: number;
  readonly keysMatched: number;
  readonly differences: readonly Difference[];
}

const SEP = '\u0001';

/** Cents are the unit of a dollar difference; rounding here keeps float noise out of the deltas. */
const roundCents = (n: number) => Math.round(n * 100) / 100;

function keyOf(spec: ComparisonSpec, key: Readonly<Record<string, string>>): string {
  let out = '';
  for (const column of spec.keyColumns) out += (key[column] ?? '') + SEP;
  return out;
}

export function withinTolerance(spec: ComparisonSpec, domo: number, backend: number): boolean {
  const delta = Math.abs(domo - backend);
  return delta <= spec.absTolerance + 1e-9 || delta <= spec.relTolerance * Math.abs(backend);
}

interface Candidate {
  key: Readonly<Record<string, string>>;
  measure: string;
  kind: 'money' | 'count';
  domo: number | null;
  backend: number | null;
  delta: number;
  reason?: DomoReasonCode;
  note?: string;
}

/**
 * Key-level diff of Domo's rows against the curated rows, joined on the spec's key columns with a
 * hash map (one pass over each side). Every difference beyond tolerance gets a reason code by the
 * rules of `assignReasons`. Duplicate keys on the Domo side are a gate's business (unique key); a
 * duplicate here compares its first occurrence (a curated duplicate: its last).
 */
export function diffByKey(spec: ComparisonSpec, domoRows: Iterable<KeyedRow>, curatedRows: Iterable<CuratedRow>): KeyDiffResult {
  // The curated side indexed by key, with a byte per row for "Domo had it": a Set of every key
  // seen (hashed and grown to millions of entries) cost more than the join itself.
  const index = new Map<string, number>();
  const curatedList: CuratedRow[] = [];
  for (const row of curatedRows) {
    const k = keyOf(spec, row.key);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, curatedList.length);
      curatedList.push(row);
    } else curatedList[at] = row;
  }
  const seen = new Uint8Array(curatedList.length);
  // Keys in Domo only are few: only they go into a set (to skip their duplicates).
  const domoOnly = new Set<string>();
  const candidates: Candidate[] = [];
  const alternates = new Map<Candidate, Readonly<Record<string, number>>[]>();
  let keysCompared = 0;
  let keysMatched = 0;

  for (const row of domoRows) {
    const k = keyOf(spec, row.key);
    const at = index.get(k);
    if (at === undefined) {
      if (domoOnly.has(k)) continue;
      domoOnly.add(k);
    } else {
      if (seen[at] === 1) continue;
      seen[at] = 1;
    }
    keysCompared++;
    const backend = at === undefined ? undefined : curatedList[at];
    if (backend === undefined) {
      for (const m of spec.measures) {
        const domo = row.values[m.name] ?? 0;
        candidates.push({
          key: row.key,
          measure: m.name,
          kind: m.kind,
          domo,
          backend: null,
          delta: roundCents(domo),
          reason: 'missing_in_backend',
          note: 'key in Domo only',
        });
      }
      continue;
    }
    let matched = true;
    for (const m of spec.measures) {
      const domo = row.values[m.name] ?? 0;
      const value = backend.values[m.name] ?? 0;
      if (withinTolerance(spec, domo, value)) continue;
      matched = false;
      const candidate: Candidate = { key: row.key, measure: m.name, kind: m.kind, domo, backend: value, delta: roundCents(domo - value) };
      candidates.push(candidate);
      const alts = Object.values(backend.alternates ?? {}).filter((a) => a[m.name] !== undefined);
      if (alts.length > 0) alternates.set(candidate, alts);
    }
    if (matched) keysMatched++;
  }
  for (let at = 0; at < curatedList.length; at++) {
    const row = curatedList[at];
    if (row === undefined || seen[at] === 1) continue;
    keysCompared++;
    for (const m of spec.measures) {
      const value = row.values[m.name] ?? 0;
      candidates.push({
        key: row.key,
        measure: m.name,
        kind: m.kind,
        domo: null,
        backend: value,
        delta: roundCents(-value),
        reason: 'missing_in_domo',
        note: 'key in the curated model only',
      });
    }
  }

  assignReasons(spec, candidates, alternates);
  const differences = candidates.map<Difference>((c) => ({
    key: c.key,
    measure: c.measure,
    domo: c.domo,
    backend: c.backend,
    delta: c.delta,
    material: c.kind === 'money' && Math.abs(c.delta) >= spec.materialityDollars,
    reason: c.reason ?? 'unexplained',
    note: c.note ?? 'no rule explains it',
  }));
  return { keysCompared, keysMatched, differences };
}

/** True when `value` has at most `places` decimals, i.e. it looks rounded to them. */
function roundedTo(value: number, places: number): boolean {
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The reason rules, in precedence order (missing keys were decided while joining):
 * 1. rounding — a money value Domo shows rounded to whole dollars (or dimes) whose difference is
 *    no more than that rounding can make;
 * 2. timing — a difference offset by the opposite one of the same key and measure in the next
 *    period (rows that moved across a period boundary); before definition change, because a
 *    moved claim can make one measure equal its other-definition value by coincidence (a count
 *    up by one where a reversal sits), while an exact offsetting pair is no coincidence;
 * 3. definition change — the Domo value matches the curated value under a known other definition;
 * 4. unexplained — everything else.
 */
export function assignReasons(spec: ComparisonSpec, candidates: Candidate[], alternates: Map<Candidate, readonly Readonly<Record<string, number>>[]>): void {
  const open = candidates.filter((c) => c.reason === undefined);
  for (const c of open) {
    if (c.kind !== 'money' || c.domo === null || c.backend === null) continue;
    for (const [places, limit] of [
      [0, 0.5],
      [1, 0.05],
    ] as const) {
      if (roundedTo(c.domo, places) && Math.abs(c.delta) <= limit + 1e-9) {
        c.reason = 'rounding';
        c.note = `Domo shows ${places === 0 ? 'whole dollars' : 'dimes'}`;
        break;
      }
    }
  }
  // Timing: pair each open difference with the next period's of the same series.
  const series = new Map<string, Candidate>();
  const seriesKey = (c: Candidate, period: string) => {
    let k = c.measure + SEP;
    for (const column of spec.keyColumns) k += (column === spec.periodColumn ? period : (c.key[column] ?? '')) + SEP;
    return k;
  };
  for (const c of open) if (c.reason === undefined) series.set(seriesKey(c, c.key[spec.periodColumn] ?? ''), c);
  for (const c of open) {
    if (c.reason !== undefined) continue;
    const next = series.get(seriesKey(c, nextMonth(c.key[spec.periodColumn] ?? '')));
    if (next === undefined || next.reason !== undefined) continue;
    const offset = Math.abs(c.delta + next.delta);
    if (Math.sign(c.delta) !== Math.sign(next.delta) && offset <= Math.max(spec.absTolerance, 0.01) + 1e-9) {
      c.reason = next.reason = 'timing';
      c.note = `offset by ${next.key[spec.periodColumn]} (${next.delta})`;
      next.note = `offset by ${c.key[spec.periodColumn]} (${c.delta})`;
    }
  }
  for (const c of open) {
    if (c.reason !== undefined || c.domo === null) continue;
    const alt = alternates.get(c)?.find((a) => withinTolerance(spec, c.domo as number, a[c.measure] as number));
    if (alt !== undefined) {
      c.reason = 'definition_change';
      c.note = `Domo matches the curated value under another definition (${alt[c.measure]})`;
    }
  }
}
