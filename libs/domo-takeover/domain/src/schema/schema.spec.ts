import { z } from 'zod';
import { declaredColumns, domo } from './domo-column';
import { parseCell } from './cell-parser';
import { blocksSilver, detectDrift } from './schema-drift';
import { RowTyper } from './row-typer';

const schema = z.object({
  id: domo.string(40),
  count: domo.long(),
  amount: domo.decimal().nullable(),
  day: domo.date().nullable(),
});

describe('declared dataset schema', () => {
  it('reads names, Domo types and nullability off the zod schema', () => {
    expect(declaredColumns(schema)).toEqual([
      { name: 'id', type: 'STRING', nullable: false },
      { name: 'count', type: 'LONG', nullable: false },
      { name: 'amount', type: 'DECIMAL', nullable: true },
      { name: 'day', type: 'DATE', nullable: true },
    ]);
  });

  it('refuses a column declared without a domo type', () => {
    expect(() => declaredColumns(z.object({ id: z.string() }))).toThrow(/not declared with a domo/);
  });
});

describe('parseCell never coerces', () => {
  it.each([
    ['LONG', '12', 12],
    ['LONG', '-7', -7],
    ['DECIMAL', '-12.345', '-12.345'],
    ['DOUBLE', '1e3', 1000],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['DATETIME', '2024-02-29T10:00:00Z', '2024-02-29T10:00:00Z'],
    ['STRING', ' x ', ' x '],
    ['LONG', '', null],
  ] as const)('%s %j is %j', (type, text, value) => {
    expect(parseCell('c', type, text)).toEqual({ ok: true, value });
  });

  it.each([
    ['LONG', '12.5'],
    ['LONG', '99999999999999999'],
    ['DECIMAL', '1e3'],
    ['DECIMAL', '$12.00'],
    ['DATE', '2023-02-29'],
    ['DATE', '02/01/2024'],
    ['DOUBLE', 'NaN'],
  ] as const)('%s %j is invalid', (type, text) => {
    expect(parseCell('c', type, text)).toEqual({ ok: false, error: { column: 'c', value: text, expected: type } });
  });
});

describe('detectDrift', () => {
  const declared = declaredColumns(schema);

  it('reports added, removed and retyped columns; order alone is no drift', () => {
    expect(
      detectDrift(declared, [
        { name: 'day', type: 'DATE' },
        { name: 'id', type: 'STRING' },
        { name: 'count', type: 'LONG' },
        { name: 'amount', type: 'DECIMAL' },
      ]),
    ).toEqual({ added: [], removed: [], retyped: [] });

    const drift = detectDrift(declared, [
      { name: 'id', type: 'STRING' },
      { name: 'count', type: 'DOUBLE' },
      { name: 'day', type: 'DATE' },
      { name: 'region', type: 'STRING' },
    ]);
    expect(drift).toEqual({
      added: [{ name: 'region', type: 'STRING' }],
      removed: [{ name: 'amount', type: 'DECIMAL' }],
      retyped: [{ name: 'count', declared: 'LONG', observed: 'DOUBLE' }],
    });
    expect(blocksSilver(drift)).toBe(true);
    expect(blocksSilver({ added: drift.added, removed: [], retyped: [] })).toBe(false);
  });
});

describe('RowTyper', () => {
  const typer = new RowTyper(declaredColumns(schema), ['day', 'extra', 'id', 'count', 'amount']);

  it('types a record into declared order by header name', () => {
    expect(typer.type(['2024-01-31', 'ignored', 'a', '3', '10.50'])).toEqual({ ok: true, row: ['a', 3, '10.50', '2024-01-31'] });
    expect(typer.type(['', 'x', 'a', '3', ''])).toEqual({ ok: true, row: ['a', 3, null, null] });
  });

  it('reports every bad cell and a null in a required column', () => {
    expect(typer.type(['2024-13-01', 'x', '', 'three', '1.0'])).toEqual({
      ok: false,
      errors: [
        { column: 'id', value: '', expected: 'STRING' },
        { column: 'count', value: 'three', expected: 'LONG' },
        { column: 'day', value: '2024-13-01', expected: 'DATE' },
      ],
    });
  });
});
