import { csvField, csvHeader, csvRows, formatBar, formatBytes, formatDetail, formatDuration, formatMoney, formatTable, type Column } from './output.format';

interface Row {
  id: string;
  amount: string;
  note: string | null;
}
const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'AMOUNT', value: (r) => r.amount, align: 'right' },
  { header: 'NOTE', value: (r) => r.note, max: 12 },
];

describe('output formatting', () => {
  it('pads table columns to their widest cell, right-aligns numbers, cuts long cells and keeps one row per line', () => {
    const rows: Row[] = [
      { id: 'a', amount: '1.00', note: 'short' },
      {
        id: 'longer-id',
        amount: '12345.67',
        note: 'a note far longer than twelve',
      },
      { id: 'c', amount: '0.10', note: 'line\nbreak\tand tab' },
      { id: 'd', amount: '-5.00', note: null },
    ];
    expect(formatTable(rows, columns)).toBe(
      [
        'ID           AMOUNT  NOTE',
        'a              1.00  short',
        'longer-id  12345.67  a note far …',
        'c              0.10  line break …',
        'd             -5.00',
        '',
      ].join('\n'),
    );
  });

  it('writes RFC 4180 CSV: quotes only where needed, doubles quotes, CRLF rows, nothing cut', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvHeader(columns)).toBe('ID,AMOUNT,NOTE\r\n');
    expect(
      csvRows(
        [
          {
            id: 'x',
            amount: '1.00',
            note: 'a note far longer than twelve, with a comma',
          },
        ],
        columns,
      ),
    ).toBe('x,1.00,"a note far longer than twelve, with a comma"\r\n');
  });

  it('draws the progress bar from a fraction, clamped, never 100% before the end', () => {
    expect(formatBar(0, 10)).toBe('[..........]   0%');
    expect(formatBar(0.456, 10)).toBe('[####......]  45%');
    expect(formatBar(0.999, 10)).toBe('[#########.]  99%');
    expect(formatBar(1, 10)).toBe('[##########] 100%');
    expect(formatBar(1.7, 10)).toBe('[##########] 100%');
    expect(formatBar(-1, 10)).toBe('[..........]   0%');
    expect(formatBar(Number.NaN, 10)).toBe('[..........]   0%');
  });

  it('formats sizes, durations, money (exactly, from the decimal string) and event details', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(1_234_567), formatBytes(5e12)]).toEqual(['999 B', '1.0 kB', '1.2 MB', '5.0 TB']);
    expect([formatDuration(400), formatDuration(59_499), formatDuration(75_000), formatDuration(3_600_000)]).toEqual(['0s', '59s', '1m15s', '60m00s']);
    expect([formatMoney('1234567.80'), formatMoney('-0.05'), formatMoney('999.00'), formatMoney('12345678901.99'), formatMoney('n/a')]).toEqual([
      '$1,234,567.80',
      '-$0.05',
      '$999.00',
      '$12,345,678,901.99',
      'n/a',
    ]);
    expect(
      formatDetail({
        runId: 'rec_1',
        progress: 0.5,
        note: 'two words',
        nested: { a: [1] },
        none: null,
      }),
    ).toBe('runId=rec_1 progress=0.5 note="two words" nested={"a":[1]} none=null');
    expect(formatDetail({ long: 'x'.repeat(300) }, 20)).toHaveLength(20);
  });
});
