/**
 * Completeness: after a sync, for each object, the ids Salesforce has against the ids the mirror
 * holds (not deleted). An id missing here is a gap (a record the sync did not bring); an extra one
 * is a delete the mirror did not see. Lists are capped so a report stays small; counts are exact.
 */
export interface ObjectCompleteness {
  object: string;
  sourceCount: number;
  mirrorCount: number;
  missingCount: number;
  extraCount: number;
  /** Up to `sampleSize` ids, sorted. */
  missing: string[];
  extra: string[];
}

export interface CompletenessReport {
  clean: boolean;
  objects: ObjectCompleteness[];
}

export function compareIds(object: string, source: Iterable<string>, mirror: Iterable<string>, sampleSize = 50): ObjectCompleteness {
  const s = new Set(source);
  const m = new Set(mirror);
  const missing = [...s].filter((id) => !m.has(id)).sort();
  const extra = [...m].filter((id) => !s.has(id)).sort();
  return {
    object,
    sourceCount: s.size,
    mirrorCount: m.size,
    missingCount: missing.length,
    extraCount: extra.length,
    missing: missing.slice(0, sampleSize),
    extra: extra.slice(0, sampleSize),
  };
}

export function completenessReport(objects: ObjectCompleteness[]): CompletenessReport {
  return { clean: objects.every((o) => o.missingCount === 0 && o.extraCount === 0 && o.sourceCount === o.mirrorCount), objects };
}
