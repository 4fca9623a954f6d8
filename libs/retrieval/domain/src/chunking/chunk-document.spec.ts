import { chunkDocument } from './chunk-document';

const schedule = [
  'Northfield Tech — Rate Schedule',
  'Period 2025-01-01 to 2025-12-31',
  '',
  'Metric\tChannel\tDrug type\tGuarantee\tExclusions',
  'AWP discount\tRetail 30\tBrand\tAWP-18.25%\tU&C priced',
  'AWP discount\tSpecialty\tBrand\tAWP-21%\t',
].join('\n');

describe('chunkDocument', () => {
  it('makes each rate row its own chunk, with the header carried in and a row locator', () => {
    const chunks = chunkDocument({ text: schedule, locator: 'p1' });
    expect(chunks).toEqual([
      { locator: 'u1:l1-2', text: 'Northfield Tech — Rate Schedule\nPeriod 2025-01-01 to 2025-12-31' },
      { locator: 'u2:r2', text: 'Metric: AWP discount; Channel: Retail 30; Drug type: Brand; Guarantee: AWP-18.25%; Exclusions: U&C priced' },
      { locator: 'u2:r3', text: 'Metric: AWP discount; Channel: Specialty; Drug type: Brand; Guarantee: AWP-21%' },
    ]);
  });

  it("keeps the publisher's own chunks and locators", () => {
    const chunks = chunkDocument({ text: 'ignored', locator: 'p1', chunks: [{ locator: 'Rates!C7', text: 'AWP-21%' }] });
    expect(chunks).toEqual([{ locator: 'Rates!C7', text: 'AWP-21%' }]);
  });

  it('splits long prose into chunks of about 1,200 characters under the document locator', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
    const chunks = chunkDocument({ text: lines.join('\n'), locator: 'note:1', kind: 'note' });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0]?.locator).toBe('note:1:l1-12');
    expect(chunks.every((c) => c.text.length <= 1_300)).toBe(true);
    expect(chunks.map((c) => c.text).join('\n')).toBe(lines.join('\n'));
  });
});
