import type { Finding } from '@leaf/contracts';
import { findingCsvLine, findingsCsvColumns, findingsCsvHeader } from './findings-csv';

const finding: Finding = {
  findingId: 'duplicate_fill:CLM-2',
  kind: 'duplicate_fill',
  claimId: 'CLM-2',
  guaranteeId: null,
  channel: 'retail30',
  drugType: 'generic',
  impact: '27.00',
  detail: 'duplicate of claim CLM-1 (same member, NDC, date and pharmacy)',
  claimCount: 1,
  evidence: [
    { sourceSystem: 'claims-source', objectId: 'CLM-2', sha256: null, locator: 'claims.claim_id' },
    { sourceSystem: 'claims-source', objectId: 'CLM-1', sha256: null, locator: 'claims.claim_id' },
  ],
};

/** A line back into its fields by column name (the fields below hold no quote, comma or line break). */
const fieldsOf = (line: string) =>
  Object.fromEntries(
    line
      .replace(/\r\n$/, '')
      .split(',')
      .map((v, i) => [findingsCsvColumns[i], v]),
  );

describe('findings CSV', () => {
  it('names every column once in the header, and every line fills each of them', () => {
    expect(findingsCsvHeader).toBe(`${findingsCsvColumns.join(',')}\r\n`);
    expect(new Set(findingsCsvColumns).size).toBe(findingsCsvColumns.length);
    expect(fieldsOf(findingCsvLine({ ...finding, detail: 'short' }))).toEqual({
      finding_id: 'duplicate_fill:CLM-2',
      kind: 'duplicate_fill',
      claim_id: 'CLM-2',
      guarantee_id: '',
      channel: 'retail30',
      drug_type: 'generic',
      claim_count: '1',
      impact: '27.00',
      detail: 'short',
      evidence: 'claims-source:CLM-2 claims.claim_id; claims-source:CLM-1 claims.claim_id',
    });
  });

  it('quotes a field holding a comma, quote or line break, and defuses text a spreadsheet would run as a formula', () => {
    const line = findingCsvLine({ ...finding, detail: 'said "no", twice', claimId: '=HYPERLINK("x")' });
    expect(line).toContain(',"said ""no"", twice",');
    expect(line).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(line.endsWith('\r\n')).toBe(true);
  });
});
