/**
 * RFC 4180 fields, read the way PostgreSQL's `COPY ... WITH (FORMAT csv)` reads them: an unquoted
 * empty field is NULL, so a non-null empty string is written as `""`; a field holding a comma,
 * quote, CR or LF is quoted with inner quotes doubled. Lines end in LF, which COPY, psql and
 * every CSV reader accept.
 */
const needsQuoting = /[",\r\n]/;

export function csvText(value: string): string {
  if (value === '') return '""';
  return needsQuoting.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvNullableText(value: string | null): string {
  return value === null ? '' : csvText(value);
}

export function csvBoolean(value: boolean): string {
  return value ? 'true' : 'false';
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.join(',')}\n`;
}
