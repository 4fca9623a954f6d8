import type { PlannedGuarantee, PlannedTerm } from './reconciliation-plan';

/** An ISO date `days` later (or earlier), on the calendar, never the clock. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type Range = readonly [from: string, to: string];

/** `range` less every range in `taken` (all inclusive, ISO dates), in date order. */
function subtract(range: Range, taken: readonly Range[]): Range[] {
  let pieces: Range[] = [range];
  for (const [from, to] of taken) {
    pieces = pieces.flatMap(([a, b]): Range[] => {
      if (to < a || from > b) return [[a, b]];
      const left: Range[] = from > a ? [[a, addDays(from, -1)]] : [];
      const right: Range[] = to < b ? [[addDays(to, 1), b]] : [];
      return [...left, ...right];
    });
  }
  return pieces.sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Which version of each term governs which dates of the period: every date is governed by the
 * highest version whose effective range covers it (no range: the whole period), so an amendment
 * "from 2025-07-01" governs July to December and the schedule before it keeps January to June.
 * Each stretch a version governs becomes one term of the plan, with concrete dates, in guarantee
 * id then date order; the term key is the guarantee id while a term spans the whole period.
 */
export function termsInForce(versions: readonly PlannedGuarantee[], periodStart: string, periodEnd: string): PlannedTerm[] {
  const byId = new Map<string, PlannedGuarantee[]>();
  for (const v of versions) byId.set(v.guaranteeId, [...(byId.get(v.guaranteeId) ?? []), v]);
  const terms: PlannedTerm[] = [];
  for (const id of [...byId.keys()].sort()) {
    const taken: Range[] = [];
    const stretches: PlannedTerm[] = [];
    const newestFirst = [...(byId.get(id) ?? [])].sort((a, b) => b.version - a.version);
    for (const v of newestFirst) {
      const from = v.effectiveFrom && v.effectiveFrom > periodStart ? v.effectiveFrom : periodStart;
      const to = v.effectiveTo && v.effectiveTo < periodEnd ? v.effectiveTo : periodEnd;
      if (from > to) continue;
      for (const [a, b] of subtract([from, to], taken))
        stretches.push({
          ...v,
          effectiveFrom: a,
          effectiveTo: b,
          termKey: a === periodStart && b === periodEnd ? id : `${id}@${a}`,
        });
      taken.push([from, to]);
    }
    terms.push(...stretches.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1)));
  }
  return terms;
}

/**
 * The dates where some term starts or the day after one ends, inside the period: the claims of
 * one segment (between two of them) are all governed by the same version of every term.
 */
export function segmentStarts(terms: readonly PlannedTerm[], periodStart: string, periodEnd: string): string[] {
  const starts = new Set<string>();
  for (const t of terms) {
    if (t.effectiveFrom > periodStart) starts.add(t.effectiveFrom);
    if (t.effectiveTo < periodEnd) starts.add(addDays(t.effectiveTo, 1));
  }
  return [...starts].sort();
}
