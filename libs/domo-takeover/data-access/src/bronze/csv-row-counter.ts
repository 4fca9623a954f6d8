import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Counts CSV records while the bytes pass through untouched: line feeds outside quoted fields,
 * plus a last record without a trailing line feed. A byte scan, so registering an export's row
 * count costs no parse.
 */
export class CsvRowCounter extends Transform {
  records = 0;
  bytes = 0;
  private inQuotes = false;
  private lastByte = LF;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let inQuotes = this.inQuotes;
    let records = 0;
    let at = 0;
    for (;;) {
      if (inQuotes) {
        const close = chunk.indexOf(QUOTE, at);
        if (close < 0) break;
        inQuotes = false;
        at = close + 1;
        continue;
      }
      const quote = chunk.indexOf(QUOTE, at);
      const lf = chunk.indexOf(LF, at);
      if (lf >= 0 && (quote < 0 || lf < quote)) {
        records++;
        at = lf + 1;
      } else if (quote >= 0) {
        inQuotes = true;
        at = quote + 1;
      } else break;
    }
    this.inQuotes = inQuotes;
    this.records += records;
    this.bytes += chunk.length;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.lastByte !== LF) this.records++;
    done();
  }
}
