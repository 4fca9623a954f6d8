/**
 * Parses one page of Bulk API 2.0 CSV (RFC 4180: a header row, fields optionally quoted, quotes
 * doubled, newlines allowed inside quotes). An empty cell is null: Bulk writes null as empty.
 */
export function parseBulkCsv(text: string): Array<Record<string, string | null>> {
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      row.push(cell === '' && !wasQuoted ? null : cell);
      cell = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell === '' && !wasQuoted ? null : cell);
      rows.push(row);
      row = [];
      cell = '';
      wasQuoted = false;
    } else cell += ch;
  }
  if (cell !== '' || wasQuoted || row.length) {
    row.push(cell === '' && !wasQuoted ? null : cell);
    rows.push(row);
  }
  const [header, ...data] = rows;
  if (!header) return [];
  return data.filter((r) => !(r.length === 1 && r[0] === null)).map((r) => Object.fromEntries(header.map((h, i) => [h ?? '', r[i] ?? null])));
}
