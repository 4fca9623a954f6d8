/**
 * JSON with object keys sorted at every level (by UTF-16 code unit, as RFC 8785 does, never by
 * locale) and no whitespace: the same value always gives the same bytes, which is what content
 * addressing, byte-identical replays and "same Idempotency-Key, same body" checks rest on.
 * A property whose value is `undefined` is left out (as `JSON.stringify` does); a value with
 * `toJSON` (a Date) is written as `JSON.stringify` writes it.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((k) => record[k] !== undefined)
        .map((k) => [k, sortKeys(record[k])]),
    );
  }
  return value;
}
