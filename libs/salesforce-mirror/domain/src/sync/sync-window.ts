/**
 * Incremental windows. Records are read from `watermark - overlap` on: a transaction that commits
 * late can carry a SystemModstamp a little before the newest one the previous sync saw, and
 * upserts are idempotent, so reading the overlap twice costs little and loses nothing.
 */
export function incrementalStart(watermark: Date, overlapMs: number): Date {
  return new Date(watermark.getTime() - overlapMs);
}

/**
 * Whether deletes since `since` can still be asked of getDeleted: Salesforce keeps deleted records
 * only so long (`earliestDateAvailable`, about 15 days). Older than that, the only way to learn
 * what went is a full resync whose id set is compared with the mirror.
 */
export function deletesWindowLost(since: Date, earliestDateAvailable: Date | null, now: Date, retentionMs: number): boolean {
  if (earliestDateAvailable && since.getTime() < earliestDateAvailable.getTime()) return true;
  return now.getTime() - since.getTime() > retentionMs;
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
