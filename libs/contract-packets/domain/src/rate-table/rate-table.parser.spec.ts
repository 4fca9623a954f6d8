import type { ExtractedDocument, ExtractedLine } from '../extraction/extracted-document';
import { parseRateTable } from './rate-table.parser';

const cols = 'ABCDEF';
const sheetRow = (row: number, ...texts: string[]): ExtractedLine => ({
  locator: `Rates!A${row}`,
  cells: texts.map((text, i) => ({ locator: `Rates!${cols[i]}${row}`, text })),
});

const workbook = (rows: ExtractedLine[]): ExtractedDocument => ({ format: 'xlsx', units: [{ kind: 'sheet', locator: 'Rates', lines: rows }] });

describe('parseRateTable', () => {
  it('reads header facts and every term with the cell it came from', () => {
    const parsed = parseRateTable(
      workbook([
        sheetRow(1, 'Pharmacy Benefit Rate Schedule'),
        sheetRow(2, 'Client', 'acme'),
        sheetRow(3, 'Contract period', 'acme-py2025'),
        sheetRow(4, 'Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions'),
        sheetRow(5, 'AWP discount', 'Retail 30', 'Brand', 'AWP-18.25%', 'U&C priced; compounds; 340B'),
        sheetRow(6, 'AWP discount', 'Specialty', 'Generic', 'Not guaranteed', ''),
        sheetRow(7, 'Dispensing fee', 'Mail', 'All', '$0.00', 'U&C priced; compounds'),
        sheetRow(8, 'Rebate per brand claim', 'Retail 90', 'Brand', '$5.50', '340B; compounds'),
        sheetRow(10, 'Signed for the PBM'),
      ]),
    );
    expect(parsed).toMatchObject({ kind: 'rate-schedule', clientId: 'acme', periodId: 'acme-py2025', issues: [] });
    expect(parsed.terms).toEqual([
      expect.objectContaining({
        metric: 'awp_discount',
        channel: 'retail30',
        drugType: 'brand',
        value: '0.1825',
        locator: 'Rates!D5',
        exclusions: ['uc_priced', 'compound', '340b'],
        method: 'aggregate',
      }),
      expect.objectContaining({ metric: 'awp_discount', channel: 'specialty', drugType: 'generic', value: null, locator: 'Rates!D6' }),
      expect.objectContaining({ metric: 'dispensing_fee', channel: 'mail', drugType: null, value: '0.00', locator: 'Rates!D7', method: 'per_claim' }),
      expect.objectContaining({ metric: 'rebate_per_brand_claim', channel: 'retail90', drugType: 'brand', value: '5.50', locator: 'Rates!D8' }),
    ]);
  });

  it('splits text-only lines (PDF pages, DOCX paragraphs) into cells and cites the page', () => {
    const line = (page: number, text: string): ExtractedLine => ({ locator: `p${page}`, cells: [{ locator: `p${page}`, text }] });
    const parsed = parseRateTable({
      format: 'pdf',
      units: [
        { kind: 'page', locator: 'p1', lines: [line(1, 'Document: Amendment 2'), line(1, 'Client: acme'), line(1, 'Contract period: acme-py2025')] },
        {
          kind: 'page',
          locator: 'p2',
          lines: [line(2, 'Metric | Channel | Drug type | Guarantee | Exclusions'), line(2, 'AWP discount  Mail  Generic  AWP-88.5%  U&C; 340B')],
        },
      ],
    });
    expect(parsed.kind).toBe('amendment');
    expect(parsed.terms).toEqual([expect.objectContaining({ metric: 'awp_discount', channel: 'mail', drugType: 'generic', value: '0.885', locator: 'p2' })]);
  });

  it("dates an amendment's terms by its Term, a row by its Effective cell, and a schedule's terms not at all", () => {
    const amendment = parseRateTable(
      workbook([
        sheetRow(1, 'Document', 'Amendment 1'),
        sheetRow(2, 'Client', 'acme'),
        sheetRow(3, 'Contract period', 'acme-py2025'),
        sheetRow(4, 'Term', '2025-07-01 to 2025-12-31'),
        sheetRow(5, 'Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions', 'Effective'),
        sheetRow(6, 'AWP discount', 'Mail', 'Generic', 'AWP-86%', 'U&C priced', ''),
        sheetRow(7, 'Dispensing fee', 'Retail 30', 'All', '$0.25', 'U&C priced', 'from 2025-10-01'),
      ]),
    );
    expect(amendment.issues).toEqual([]);
    expect(amendment.terms.map((t) => [t.channel, t.value, t.effectiveFrom, t.effectiveTo])).toEqual([
      ['mail', '0.86', '2025-07-01', '2025-12-31'],
      ['retail30', '0.25', '2025-10-01', null],
    ]);
    // A schedule's Term is its contract period: its terms carry no dates of their own.
    const schedule = parseRateTable(
      workbook([
        sheetRow(1, 'Client', 'acme'),
        sheetRow(2, 'Contract period', 'acme-py2025'),
        sheetRow(3, 'Term', '2025-01-01 to 2025-12-31'),
        sheetRow(4, 'Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions'),
        sheetRow(5, 'AWP discount', 'Mail', 'Generic', 'AWP-85%', 'U&C priced'),
      ]),
    );
    expect(schedule.terms[0]).toMatchObject({ effectiveFrom: null, effectiveTo: null });
    const bad = parseRateTable(
      workbook([
        sheetRow(1, 'Document', 'Amendment 2'),
        sheetRow(2, 'Client', 'acme'),
        sheetRow(3, 'Contract period', 'acme-py2025'),
        sheetRow(4, 'Term', '2025-12-31 to 2025-07-01'),
        sheetRow(5, 'Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions', 'Effective'),
        sheetRow(6, 'AWP discount', 'Mail', 'Generic', 'AWP-86%', 'U&C priced', 'July 2025'),
      ]),
    );
    expect(bad.issues).toEqual([
      expect.objectContaining({ code: 'unparseable-value', locator: 'Rates!A4' }),
      expect.objectContaining({ code: 'unparseable-value', locator: 'Rates!F6' }),
    ]);
    expect(bad.terms).toEqual([]);
  });

  it('reports a missing rate table, unreadable values and unknown labels with their locators instead of guessing', () => {
    expect(parseRateTable(workbook([sheetRow(1, 'Client', 'acme'), sheetRow(2, 'Contract period', 'acme-py2025'), sheetRow(3, 'Notes only')])).issues).toEqual([
      expect.objectContaining({ code: 'rate-table-missing' }),
    ]);
    const parsed = parseRateTable(
      workbook([
        sheetRow(1, 'Client', 'acme'),
        sheetRow(2, 'Contract period', 'acme-py2025'),
        sheetRow(4, 'Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions'),
        sheetRow(5, 'AWP discount', 'Retail 30', 'Brand', 'eighteen percent', 'none'),
        sheetRow(6, 'AWP discount', 'Drive-through', 'Brand', '18%', 'none'),
        sheetRow(7, 'Dispensing fee', 'Mail', 'All', '$1.00', 'free refills'),
      ]),
    );
    expect(parsed.terms).toEqual([]);
    expect(parsed.issues).toEqual([
      expect.objectContaining({ code: 'unparseable-value', locator: 'Rates!D5' }),
      expect.objectContaining({ code: 'unknown-label', locator: 'Rates!B6' }),
      expect.objectContaining({ code: 'unknown-label', locator: 'Rates!E7' }),
    ]);
  });
});
