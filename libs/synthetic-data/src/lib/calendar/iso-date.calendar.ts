/** Calendar arithmetic on 'YYYY-MM-DD' strings in UTC: no local time zone can shift a fill date. */
const dayMs = 86_400_000;

export function parseIsoDate(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

export function formatIsoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return formatIsoDate(Date.UTC(y, m - 1 + months, d));
}

export function addDays(iso: string, days: number): string {
  return formatIsoDate(parseIsoDate(iso) + days * dayMs);
}

/** Whole days from `from` (inclusive) to `to` (exclusive). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / dayMs);
}

/** Every date from `from` (inclusive) to `to` (exclusive), precomputed once per stream. */
export function isoDatesBetween(from: string, to: string): string[] {
  const start = parseIsoDate(from);
  return Array.from({ length: daysBetween(from, to) }, (_, i) => formatIsoDate(start + i * dayMs));
}

/** A real calendar date (rejects 2025-02-30, which Date.UTC would silently roll over). */
export function isRealIsoDate(iso: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && formatIsoDate(parseIsoDate(iso)) === iso;
}
