import { CsvRecordParser, csvField } from './csv-record.parser';

function parseAll(text: string, chunkSize: number): string[][] {
  const parser = new CsvRecordParser();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...parser.push(text.slice(i, i + chunkSize)));
  out.push(...parser.end());
  return out;
}

describe('CsvRecordParser', () => {
  const text = 'id,name,amount\r\n1,plain,1.50\n2,"with, comma",2\n3,"line\nbreak ""quoted""",\n4,,-3.25';
  const expected = [
    ['id', 'name', 'amount'],
    ['1', 'plain', '1.50'],
    ['2', 'with, comma', '2'],
    ['3', 'line\nbreak "quoted"', ''],
    ['4', '', '-3.25'],
  ];

  it.each([1, 2, 3, 7, 1000])('reads the same records whatever the chunk size (%i)', (size) => {
    expect(parseAll(text, size)).toEqual(expected);
  });

  it('round-trips fields it encodes', () => {
    const fields = ['a,b', 'say "hi"', 'x\ny', 'plain', ''];
    expect(parseAll(fields.map(csvField).join(',') + '\n', 4)).toEqual([fields]);
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseAll('1,"open\n', 100)).toThrow(/unterminated/);
    expect(() => parseAll('1,"a"b\n', 100)).toThrow(/after a closing quote/);
  });
});
