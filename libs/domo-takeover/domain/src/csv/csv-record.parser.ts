/**
 * An incremental RFC 4180 reader: text goes in as it arrives, complete records come out. Fields
 * may be quoted (`""` is a quote, commas and line breaks inside quotes are data); records end at
 * LF or CRLF. Lines without a quote take a split fast path, which is nearly every line of a Domo
 * export, so a 5M-row file is not walked character by character.
 */
export class CsvRecordParser {
  private pending = '';
  private lineNumber = 0;

  /** Records completed by this chunk. */
  push(chunk: string): string[][] {
    const text = this.pending + chunk;
    const records: string[][] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const quote = text.indexOf('"', start);
      if (quote >= 0 && quote < newline) {
        const parsed = this.quoted(text, start);
        if (parsed === undefined) break; // the quoted record continues in the next chunk
        records.push(parsed.record);
        start = parsed.next;
      } else {
        const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        records.push(text.slice(start, end).split(','));
        start = newline + 1;
      }
      this.lineNumber++;
    }
    this.pending = text.slice(start);
    return records;
  }

  /** The last record when the text does not end with a line break. */
  end(): string[][] {
    const rest = this.pending;
    this.pending = '';
    if (rest === '' || rest === '\r') return [];
    const parsed = this.quoted(rest + '\n', 0);
    if (parsed === undefined) throw new CsvFormatError(`unterminated quoted field in record ${this.lineNumber + 1}`);
    return [parsed.record];
  }

  private quoted(text: string, from: number): { record: string[]; next: number } | undefined {
    const record: string[] = [];
    let i = from;
    let field = '';
    for (;;) {
      if (i >= text.length) return undefined;
      if (text[i] === '"') {
        i++;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) return undefined;
          field += text.slice(i, close);
          if (close + 1 >= text.length) return undefined;
          if (text[close + 1] === '"') {
            field += '"';
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        const c = text[i];
        if (c !== ',' && c !== '\n' && c !== '\r') throw new CsvFormatError(`text after a closing quote in record ${this.lineNumber + 1}`);
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        if (j >= text.length) return undefined;
        field = text.slice(i, j);
        if (field.includes('"')) throw new CsvFormatError(`quote inside an unquoted field in record ${this.lineNumber + 1}`);
        i = j;
      }
      record.push(field);
      field = '';
      const c = text[i];
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '\r') {
        if (i + 1 >= text.length) return undefined;
        if (text[i + 1] !== '\n') throw new CsvFormatError(`bare carriage return in record ${this.lineNumber + 1}`);
        i++;
      }
      return { record, next: i + 1 };
    }
  }
}

export class CsvFormatError extends Error {
  readonly code = 'DOMO_CSV_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** Encodes one field the way Domo (and RFC 4180) does: quoted only when it must be. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
