import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { CsvRowCounter } from './csv-row-counter';

async function count(chunks: string[]): Promise<{ records: number; out: string }> {
  const counter = new CsvRowCounter();
  const out = await text(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(counter));
  return { records: counter.records, out };
}

describe('CsvRowCounter', () => {
  it('counts records, not line feeds inside quotes, across chunk boundaries, and passes bytes through', async () => {
    const csv = 'a,b\n1,"x\ny"\n2,"say ""hi"""\n3,z';
    for (const size of [1, 3, 100]) {
      const chunks = csv.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(await count(chunks)).toEqual({ records: 4, out: csv });
    }
    expect((await count(['a,b\n1,2\n'])).records).toBe(2);
    expect((await count([])).records).toBe(0);
  });
});
