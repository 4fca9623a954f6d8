/**
 * One record, whatever API read it: Bulk API 2.0 CSV gives every value as a string (null as an
 * empty cell), REST gives JSON types. Values are normalised by the describe type so both reads
 * of a record store the same thing: booleans and numbers typed, datetimes ISO (UTC), the rest
 * strings.
 */
export function normalizeValue(type: string | undefined, value: unknown): unknown {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'boolean':
      return value === true || value === 'true';
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'datetime': {
      const t = Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return Number.isNaN(t) ? null : new Date(t).toISOString();
    }
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

export function normalizeRecord(record: Readonly<Record<string, unknown>>, types: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = normalizeValue(types.get(k), v);
  return out;
}
