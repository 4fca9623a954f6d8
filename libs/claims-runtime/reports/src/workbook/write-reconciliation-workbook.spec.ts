import { createHash } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Workbook, type Row, type Worksheet } from 'exceljs';
import { fromCents, toCents } from '@leaf/contracts';
import { emptyReport, reconciliationReportFixture } from '../testing';
import { writeReconciliationWorkbook } from './write-reconciliation-workbook';
import { currencyFormat, percentFormat } from './finance-formats';

async function workbookBytes(
  report = reconciliationReportFixture(),
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeReconciliationWorkbook(report, out);
  return Buffer.concat(chunks);
}

function sheetOf(workbook: Workbook, name: string): Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

const sha256 = (bytes: Buffer) =>
  createHash('sha256').update(bytes).digest('hex');

async function readBack(bytes: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

describe('writeReconciliationWorkbook', () => {
  const report = reconciliationReportFixture({ claimFindings: 240 });
  let bytes: Buffer;
  let workbook: Workbook;

  beforeAll(async () => {
    bytes = await workbookBytes(report);
    workbook = await readBack(bytes);
  });

  it('is a zip holding the four sheets in reading order', () => {
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Summary',
      'Buckets',
      'Findings',
      'Evidence',
    ]);
  });

  it('stamps the workbook with the period end, not the wall clock', () => {
    expect(workbook.created.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    expect(workbook.creator).toBe('Leaf claims-runtime');
  });

  it('freezes the header row, bolds it and filters every table', () => {
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    }
    expect(sheetOf(workbook, 'Buckets').autoFilter).toBe(
      `A1:N${report.buckets.length + 1}`,
    );
    expect(sheetOf(workbook, 'Evidence').autoFilter).toBe(
      `A1:C${report.evidence.length + 1}`,
    );
  });

  it('lists the run identity and the summary figures as numbers in finance formats', () => {
    const sheet = sheetOf(workbook, 'Summary');
    const byLabel = new Map<string, Row>();
    sheet.eachRow((row, n) => {
      if (n > 1) byLabel.set(String(row.getCell(1).value), row);
    });
    const value = (label: string) => byLabel.get(label)?.getCell(2).value;
    expect(value('Run')).toBe(report.runId);
    expect(value('Client')).toBe('Acme Health Plan (acme-health)');
    expect(value('Inputs sha256')).toBe(report.inputsSha256);
    expect(value('Claims as of')).toBe(report.asOf);
    expect(value('Code version')).toBe(report.codeVersion);
    expect(value('Claims')).toBe(report.summary.claimCount);
    expect(value('AWP, eligible claims')).toBe(
      Number(report.summary.eligibleAwp),
    );
    expect(byLabel.get('AWP, all claims')?.getCell(2).numFmt).toBe(
      currencyFormat,
    );
  });

  it('files every finding kind under one category and makes the owed figures formulas over them, caching the summary figures', () => {
    const sheet = sheetOf(workbook, 'Summary');
    const rows: Row[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(row);
    });
    const find = (label: string) => {
      const row = rows.find((r) => r.getCell(1).value === label);
      if (!row) throw new Error(`no row ${label}`);
      return row;
    };
    const rowsOf = (category: string) =>
      rows.filter((r) => r.getCell(4).value === category).map((r) => r.number);
    const guarantee = find('Guarantee shortfall');
    const audit = find('Audit findings');
    const total = find('Total owed');
    // Fee excess is a guarantee term's shortfall: it sits there, and only there.
    expect(
      find('Per-claim fee ceiling: fee above contract').getCell(4).value,
    ).toBe('Guarantee shortfall');
    expect(rowsOf('Guarantee shortfall')).toHaveLength(2);
    expect(rowsOf('Audit findings')).toHaveLength(4);
    expect(guarantee.getCell(2).value).toEqual({
      formula: `SUM(${rowsOf('Guarantee shortfall')
        .map((n) => `B${n}`)
        .join(',')})`,
      result: Number(report.summary.guaranteeShortfall),
    });
    expect(audit.getCell(2).value).toEqual({
      formula: `SUM(${rowsOf('Audit findings')
        .map((n) => `B${n}`)
        .join(',')})`,
      result: Number(report.summary.auditImpact),
    });
    expect(total.getCell(2).value).toEqual({
      formula: `SUM(B${guarantee.number},B${audit.number})`,
      result: Number(report.summary.totalOwed),
    });
    expect(total.getCell(2).numFmt).toBe(currencyFormat);
    // The kinds' cells add up to their category's figure to the cent.
    const cents = (rowNumbers: number[]) =>
      fromCents(
        rowNumbers.reduce(
          (s, n) =>
            s +
            BigInt(
              Math.round((sheet.getRow(n).getCell(2).value as number) * 100),
            ),
          0n,
        ),
      );
    expect(cents(rowsOf('Guarantee shortfall'))).toBe(
      report.summary.guaranteeShortfall,
    );
    expect(cents(rowsOf('Audit findings'))).toBe(report.summary.auditImpact);
  });

  it('writes one row per bucket with discounts as percentages, fee terms as dollars, and exact totals', () => {
    const sheet = sheetOf(workbook, 'Buckets');
    expect(sheet.rowCount).toBe(report.buckets.length + 2);
    const retail30Brand = sheet.getRow(2);
    const bucket = at(report.buckets, 0);
    expect(retail30Brand.getCell(1).value).toBe(bucket.guaranteeId);
    expect(retail30Brand.getCell(6).value).toBe(Number(bucket.awp));
    expect(retail30Brand.getCell(6).numFmt).toBe(currencyFormat);
    expect(retail30Brand.getCell(9)).toMatchObject({
      value: Number(bucket.guaranteedValue),
      numFmt: percentFormat,
    });
    expect(retail30Brand.getCell(13).value).toBe(
      `${bucket.evidence.objectId} ${bucket.evidence.locator}`,
    );
    const feeRow = sheet.getRow(
      report.buckets.findIndex((b) => b.metric === 'dispensing_fee') + 2,
    );
    expect(feeRow.getCell(9).numFmt).toBe(currencyFormat);
    const rebateRow = sheet.getRow(
      report.buckets.findIndex((b) => b.effectiveValue === null) + 2,
    );
    expect(rebateRow.getCell(10).value).toBeNull();

    const total = sheet.getRow(report.buckets.length + 2);
    const last = report.buckets.length + 1;
    const exactShortfall = fromCents(
      report.buckets.reduce((s, b) => s + toCents(b.shortfall), 0n),
    );
    expect(total.getCell(12).value).toEqual({
      formula: `SUM(L2:L${last})`,
      result: Number(exactShortfall),
    });
    // The fixture has no offsets, so the bucket shortfalls are the summary's guarantee shortfall.
    expect(exactShortfall).toBe(report.summary.guaranteeShortfall);
  });

  it('streams every finding and totals their impact to the summary, to the cent', async () => {
    const sheet = sheetOf(workbook, 'Findings');
    let findings = 0;
    for await (const _ of report.findings()) findings += 1;
    expect(findings).toBeGreaterThan(240);
    expect(sheet.rowCount).toBe(findings + 2);
    expect(sheet.autoFilter).toBe(`A1:J${findings + 1}`);
    const first = sheet.getRow(2);
    expect([
      first.getCell(1).value,
      first.getCell(2).value,
      first.getCell(3).value,
    ]).toEqual([
      expect.stringMatching(/^shortfall:/),
      'Guarantee shortfall',
      null,
    ]);
    expect(sheet.getRow(findings + 1).getCell(2).value).toBe(
      '90-day channel, short supply',
    );
    const total = sheet.getRow(findings + 2);
    expect(total.getCell(1).value).toBe('Total');
    const impact = total.getCell(8);
    expect(impact.numFmt).toBe(currencyFormat);
    expect(impact.value).toEqual({
      formula: `SUM(H2:H${findings + 1})`,
      result: Number(report.summary.totalOwed),
    });
    // Re-adding the cells as cents reproduces the string exactly (no float drift in what is shown).
    let cents = 0n;
    for (let r = 2; r <= findings + 1; r++)
      cents += BigInt(
        Math.round((sheet.getRow(r).getCell(8).value as number) * 100),
      );
    expect(fromCents(cents)).toBe(report.summary.totalOwed);
  });

  it('lists the evidence by name, hash and reference', () => {
    const sheet = sheetOf(workbook, 'Evidence');
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      at(report.evidence, 0).name,
      at(report.evidence, 0).sha256,
      at(report.evidence, 0).reference,
    ]);
    expect(sheet.rowCount).toBe(report.evidence.length + 1);
  });

  it('gives byte-identical files for the same report, even written seconds apart', async () => {
    // ZIP (DOS) times have a 2 s resolution: waiting longer proves no entry carries the wall clock.
    await sleep(2_100);
    const again = await workbookBytes(
      reconciliationReportFixture({ claimFindings: 240 }),
    );
    expect(sha256(again)).toBe(sha256(bytes));
    const other = await workbookBytes(
      reconciliationReportFixture({ claimFindings: 241 }),
    );
    expect(sha256(other)).not.toBe(sha256(bytes));
  });

  it('gives a slow reader the same bytes as a fast one, waiting for it rather than buffering the run', async () => {
    const large = () => reconciliationReportFixture({ claimFindings: 12_000 });
    const fast = await workbookBytes(large());
    const chunks: Buffer[] = [];
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        writes += 1;
        if (writes % 16 === 0) setTimeout(callback, 1);
        else callback();
      },
    });
    await writeReconciliationWorkbook(large(), slow);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(fast));
  });

  it('writes an empty run as headers with filters and no total rows', async () => {
    const empty = await readBack(await workbookBytes(emptyReport()));
    expect(sheetOf(empty, 'Findings').rowCount).toBe(1);
    expect(sheetOf(empty, 'Findings').autoFilter).toBe('A1:J1');
    expect(sheetOf(empty, 'Buckets').rowCount).toBe(1);
    expect(sheetOf(empty, 'Evidence').rowCount).toBe(1);
    expect(sheetOf(empty, 'Summary').getRow(16).getCell(2).value).toBe(0);
  });

  it('refuses a report whose period end is not a date rather than stamping the wall clock', async () => {
    await expect(
      workbookBytes({ ...report, periodEnd: 'someday' }),
    ).rejects.toThrow(/periodEnd/);
  });
});
