import { csvBoolean, csvLine, csvNullableText, csvText } from './csv-field.encoder';

describe('RFC 4180 fields as COPY reads them', () => {
  it('quotes only what needs quoting and doubles inner quotes', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('Northfield Technologies, Inc.')).toBe('"Northfield Technologies, Inc."');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('cr\rhere')).toBe('"cr\rhere"');
  });

  it('tells an empty string from NULL', () => {
    expect(csvText('')).toBe('""');
    expect(csvNullableText(null)).toBe('');
    expect(csvLine([csvNullableText(null), csvText(''), csvBoolean(true), csvBoolean(false)])).toBe(',"",true,false\n');
  });
});
