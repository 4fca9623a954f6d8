/**
 * Incremental windows. Records are read from `watermark - overlap` on: a transaction that commits
 * late can carry a SystemModstamp a little before the newest one the previous sync saw, and
 * upserts are idempotent, so reading the overlap twice costs little and loses nothing.
 */
export function incrementalStart(watermark: Date, overlapMs: number): Date {
  return new Date(watermark.getTime() - overlapMs);
}

/** getDeleted refuses a window whose start does not precede its end by more than a minute (INVALID_REPLICATION_DATE). */
export const MIN_DELETES_WINDOW_MS = 60_000;

/**
 * The getDeleted window that covers deletes since `since` (where the last check ended), or `lost`
 * when the org may already have purged some of them (older than `retentionMs`: Salesforce answers
 * no more than 15 days back, less if the Recycle Bin was emptied) and only a full resync can tell.
 * The overlap is re-read for deletes that committed late, but clamped to the retention horizon: the
 * part before it was covered by the previous check, and asking for it would only be refused. A
 * window of a minute or less (a sync right after another) is widened backwards, which re-reads
 * deletes already applied, harmlessly.
 */
export function deletesWindow(since: Date, now: Date, overlapMs: number, retentionMs: number): { start: Date; end: Date } | 'lost' {
  // getDeleted takes whole seconds (clients drop the milliseconds): the horizon rounds up to one.
  const horizon = Math.ceil((now.getTime() - retentionMs) / 1_000) * 1_000;
  if (since.getTime() < horizon) return 'lost';
  let start = Math.max(since.getTime() - overlapMs, horizon);
  start = Math.min(start, now.getTime() - MIN_DELETES_WINDOW_MS - 1_000);
  return { start: new Date(start), end: now };
}

/** The newest of a set of Salesforce datetimes (`…+0000` or ISO), or the previous watermark. */
export function advanceWatermark(previous: Date | null, stamps: Iterable<string | null | undefined>): Date | null {
  let best = previous?.getTime() ?? -Infinity;
  for (const s of stamps) {
    const t = s ? Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
    if (!Number.isNaN(t) && t > best) best = t;
  }
  return best === -Infinity ? null : new Date(best);
}

/** Splits ids into chunks for `IN (…)` filters (SOQL statements are limited to 100,000 characters). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
