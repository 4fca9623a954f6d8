import type { Finding } from '@leaf/contracts';

/** The export's columns, in order: the header row names them, every line fills them. */
export const findingsCsvColumns = [
  'finding_id',
  'kind',
  'claim_id',
  'guarantee_id',
  'channel',
  'drug_type',
  'claim_count',
  'impact',
  'detail',
  'evidence',
] as const;

export const findingsCsvHeader = `${findingsCsvColumns.join(',')}\r\n`;

/**
 * One RFC 4180 field. Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets
 * a leading apostrophe: the file is opened by finance users, never trusted to evaluate.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A finding as one CSV line; the impact stays the exact decimal string the API returns. */
export function findingCsvLine(f: Finding): string {
  return `${[
    field(f.findingId),
    field(f.kind),
    field(f.claimId),
    field(f.guaranteeId),
    field(f.channel),
    field(f.drugType),
    field(f.claimCount),
    f.impact,
    field(f.detail),
    field(f.evidence.map((e) => `${e.sourceSystem}:${e.objectId} ${e.locator}`).join('; ')),
  ].join(',')}\r\n`;
}
