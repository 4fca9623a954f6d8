import { normalizeRecord } from './field-values';

describe('normalizeRecord', () => {
  it('gives a Bulk CSV row and a REST record of the same data the same values', () => {
    const types = new Map([
      ['IsDeleted', 'boolean'],
      ['ContentSize', 'int'],
      ['SystemModstamp', 'datetime'],
      ['Name', 'string'],
    ]);
    const fromCsv = normalizeRecord({ IsDeleted: 'false', ContentSize: '1200', SystemModstamp: '2026-12-01T10:00:00.000Z', Name: 'ITR-1', Empty: null }, types);
    const fromRest = normalizeRecord(
      { IsDeleted: false, ContentSize: 1200, SystemModstamp: '2026-12-01T10:00:00.000+0000', Name: 'ITR-1', Empty: null },
      types,
    );
    expect(fromCsv).toEqual(fromRest);
    expect(fromCsv).toEqual({ IsDeleted: false, ContentSize: 1200, SystemModstamp: '2026-12-01T10:00:00.000Z', Name: 'ITR-1', Empty: null });
  });
});
