import { createHash } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Workbook, type Row, type Worksheet } from 'exceljs';
import { fromCents, formatMoney } from '@leaf/contracts';
import { groupBuckets } from '@leaf/claims-runtime/domain';
import { emptyReport, reconciliationReportFixture } from '../testing';
import { writeReconciliationWorkbook } from './write-reconciliation-workbook';
import { currencyFormat, percentFormat } from './finance-formats';

async function workbookBytes(report = reconciliationReportFixture()): Promise<Buffer> {
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

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

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

  it('is a zip holding the five sheets in reading order', () => {
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Buckets', 'Findings', 'Evidence', 'Methodology']);
  });

  it('prints every sheet on landscape Letter, one page wide, footed with client, period and reference', () => {
    for (const sheet of workbook.worksheets) {
      expect([sheet.name, sheet.pageSetup]).toEqual([
        sheet.name,
        expect.objectContaining({
          orientation: 'landscape',
          paperSize: 1,
          fitToPage: true,
          fitToWidth: 1,
          fitToHeight: 0,
        }),
      ]);
      expect(sheet.headerFooter.oddFooter).toContain(`${report.clientName} · ${report.periodId} · ${report.runId}`);
    }
  });

  it('has a Methodology sheet with the PDF methodology page, section by section', () => {
    const sheet = sheetOf(workbook, 'Methodology');
    const sections: unknown[] = [];
    const paragraphs: string[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      if (row.getCell(1).value !== null) sections.push(row.getCell(1).value);
      paragraphs.push(String(row.getCell(2).value));
      expect(row.getCell(2).alignment?.wrapText).toBe(true);
    });
    expect(sections).toEqual(['Definitions', 'Eligibility and exclusions', 'The overlap rule: no dollar owed twice', 'Rounding', 'Sources and evidence']);
    const text = paragraphs.join(' ');
    expect(text).toContain(`This run deducted ${formatMoney(report.summary.findingOverlap.deducted)} of finding dollars`);
    expect(text).toContain('half away from zero');
    expect(text).toContain(report.inputsSha256);
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
    expect(sheetOf(workbook, 'Evidence').autoFilter).toBe(`A1:C${report.evidence.length + 1}`);
  });

  it('lists the run identity and the summary figures as numbers in finance formats', () => {
    const sheet = sheetOf(workbook, 'Summary');
    const byLabel = new Map<string, Row>();
    sheet.eachRow((row, n) => {
      if (n > 1) byLabel.set(String(row.getCell(1).value), row);
    });
    const value = (label: string) => byLabel.get(label)?.getCell(2).value;
    expect(value('Report reference')).toBe(report.runId);
    expect(value('Client')).toBe('Acme Health Plan (acme-health)');
    expect(value('Inputs sha256')).toBe(report.inputsSha256);
    expect(value('Claims source')).toBe('412,345 claim rows in the source, latest fill 2025-12-31, highest claim id CLM0009876543');
    expect(value('Code version')).toBe(report.codeVersion);
    expect(value('Net claims')).toBe(report.summary.claimCount);
    expect(value('AWP, eligible claims')).toBe(Number(report.summary.eligibleAwp));
    expect(value('Finding dollars deducted from terms')).toMatchObject({
      result: Number(report.summary.findingOverlap.deducted),
    });
    expect(byLabel.get('AWP, all claims')?.getCell(2).numFmt).toBe(currencyFormat);
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
    const rowsOf = (category: string) => rows.filter((r) => r.getCell(4).value === category).map((r) => r.number);
    const guarantee = find('Guarantee shortfall');
    const audit = find('Audit findings');
    const total = find('Total owed');
    // Fee excess is a guarantee term's shortfall: it sits there, and only there.
    expect(find('Per-claim fee ceiling: fee above contract').getCell(4).value).toBe('Guarantee shortfall');
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
      fromCents(rowNumbers.reduce((s, n) => s + BigInt(Math.round((sheet.getRow(n).getCell(2).value as { result: number }).result * 100)), 0n));
    expect(cents(rowsOf('Guarantee shortfall'))).toBe(report.summary.guaranteeShortfall);
    expect(cents(rowsOf('Audit findings'))).toBe(report.summary.auditImpact);
  });

  it('writes the buckets by metric, discounts as percentages and fee terms as dollars, with a total per metric and none across metrics', () => {
    const sheet = sheetOf(workbook, 'Buckets');
    const rows: Row[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push(row);
    });
    const labelled = (label: string) => rows.find((r) => r.getCell(1).value === label);
    // A title row, the buckets, a total row for each metric; a blank row between metrics.
    expect(rows.map((r) => r.getCell(1).value).filter((v) => v !== null)).toEqual([
      'AWP discount',
      ...report.buckets.filter((b) => b.metric === 'awp_discount').map((b) => b.guaranteeId),
      'Total AWP discount',
      'Dispensing fee',
      'g-cp-2025-fee-retail30',
      'Total Dispensing fee',
      'Rebate per brand claim',
      'g-cp-2025-rebate',
      'Total Rebate per brand claim',
    ]);
    expect(rows.some((r) => r.getCell(1).value === 'Total')).toBe(false);

    const bucket = at(report.buckets, 0);
    const first = labelled(bucket.guaranteeId)!;
    expect(first.getCell(6).value).toBe(Number(bucket.awp));
    expect(first.getCell(6).numFmt).toBe(currencyFormat);
    expect(first.getCell(9)).toMatchObject({
      value: Number(bucket.guaranteedValue),
      numFmt: percentFormat,
    });
    expect(first.getCell(13).value).toBe(`${bucket.evidence.objectId} ${bucket.evidence.locator}`);
    expect(labelled('g-cp-2025-fee-retail30')!.getCell(9).numFmt).toBe(currencyFormat);
    expect(labelled('g-cp-2025-rebate')!.getCell(10).value).toBeNull();
    // The overlap rule, per term: what per-claim findings took out before the shortfall.
    expect([15, 16, 17, 18, 19].map((c) => first.getCell(c).value)).toEqual([
      'deducted',
      bucket.moved!.claimCount,
      bucket.moved!.removedClaims,
      Number(bucket.moved!.ingredientCostPaid),
      Number(bucket.moved!.dispensingFeePaid),
    ]);
    expect(labelled('g-cp-2025-rebate')!.getCell(15).value).toBe('n/a');

    const awp = report.bucketGroups.find((g) => g.metric === 'awp_discount')!;
    const total = labelled('Total AWP discount')!;
    const from = first.number;
    const to = total.number - 1;
    expect(total.getCell(5).value).toEqual({
      formula: `SUM(E${from}:E${to})`,
      result: awp.total!.claimCount,
    });
    expect(total.getCell(12).value).toEqual({
      formula: `SUM(L${from}:L${to})`,
      result: Number(awp.total!.shortfall),
    });
    // The total counts each claim once: the AWP buckets' claims, not every metric's.
    expect(awp.total!.claimCount).toBe(report.summary.eligibleClaimCount);
  });

  it('says why a metric whose buckets overlap has no total', async () => {
    const base = reconciliationReportFixture({ claimFindings: 5 });
    const rebate = base.buckets.find((b) => b.metric === 'rebate_per_brand_claim')!;
    const buckets = [
      ...base.buckets,
      {
        ...rebate,
        guaranteeId: 'g-cp-2025-rebate-retail30',
        channel: 'retail30' as const,
      },
    ];
    const overlapping = await readBack(
      await workbookBytes({
        ...base,
        buckets,
        bucketGroups: groupBuckets(buckets),
      }),
    );
    const values: unknown[] = [];
    sheetOf(overlapping, 'Buckets').eachRow((row) => values.push(row.getCell(1).value));
    expect(values).toContain('Total AWP discount');
    expect(values).not.toContain('Total Rebate per brand claim');
    expect(values).toContain(
      'No total: g-cp-2025-rebate and g-cp-2025-rebate-retail30 cover some of the same claims, so their sums would count those claims twice',
    );
  });

  it('streams every finding and totals their impact to the summary, to the cent', async () => {
    const sheet = sheetOf(workbook, 'Findings');
    let findings = 0;
    for await (const _ of report.findings()) findings += 1;
    expect(findings).toBeGreaterThan(240);
    expect(sheet.rowCount).toBe(findings + 2);
    expect(sheet.autoFilter).toBe(`A1:J${findings + 1}`);
    const first = sheet.getRow(2);
    expect([first.getCell(1).value, first.getCell(2).value, first.getCell(3).value]).toEqual([
      expect.stringMatching(/^shortfall:/),
      'Guarantee shortfall',
      null,
    ]);
    expect(sheet.getRow(findings + 1).getCell(2).value).toBe('90-day channel, short supply');
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
    for (let r = 2; r <= findings + 1; r++) cents += BigInt(Math.round((sheet.getRow(r).getCell(8).value as number) * 100));
    expect(fromCents(cents)).toBe(report.summary.totalOwed);
  });

  it('lists the evidence by name, hash and reference', () => {
    const sheet = sheetOf(workbook, 'Evidence');
    expect(sheet.getRow(2).values).toEqual([undefined, at(report.evidence, 0).name, at(report.evidence, 0).sha256, at(report.evidence, 0).reference]);
    expect(sheet.rowCount).toBe(report.evidence.length + 1);
  });

  it('gives byte-identical files for the same report, even written seconds apart', async () => {
    // ZIP (DOS) times have a 2 s resolution: waiting longer proves no entry carries the wall clock.
    await sleep(2_100);
    const again = await workbookBytes(reconciliationReportFixture({ claimFindings: 240 }));
    expect(sha256(again)).toBe(sha256(bytes));
    const other = await workbookBytes(reconciliationReportFixture({ claimFindings: 241 }));
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
    // exceljs reads a cached 0 back as no result; the file holds <v>0</v>.
    expect(sheetOf(empty, 'Summary').getRow(16).getCell(2).value).toEqual({
      formula: expect.stringMatching(/^SUMIFS\(Buckets!/),
    });
  });

  it('refuses a report whose period end is not a date rather than stamping the wall clock', async () => {
    await expect(workbookBytes({ ...report, periodEnd: 'someday' })).rejects.toThrow(/periodEnd/);
  });

  it('makes the Summary figures formulas over the detail sheets that recompute to the figures they cache', () => {
    const summary = sheetOf(workbook, 'Summary');
    const findings = sheetOf(workbook, 'Findings');
    const buckets = sheetOf(workbook, 'Buckets');
    const cellsOf = (sheet: Worksheet) => {
      const rows: Row[] = [];
      sheet.eachRow((row, n) => {
        if (n > 1) rows.push(row);
      });
      return rows;
    };
    const num = (v: unknown) => (typeof v === 'number' ? v : 0);
    const centsOf = (values: number[]) => values.reduce((s, v) => s + BigInt(Math.round(v * 100)), 0n);
    // A small evaluator for the two shapes the Summary uses, over the sheets as read back.
    const sumif = (label: string) =>
      centsOf(
        cellsOf(findings)
          .filter((r) => r.getCell(2).value === label)
          .map((r) => num(r.getCell(8).value)),
      );
    const countif = (label: string) => cellsOf(findings).filter((r) => r.getCell(2).value === label).length;
    let kinds = 0;
    for (const row of cellsOf(summary)) {
      const impact = row.getCell(2).value as {
        formula?: string;
        result?: number;
      };
      const m = /^SUMIF\(Findings!\$B:\$B,"=([^"]+)",Findings!\$H:\$H\)$/.exec(impact?.formula ?? '');
      if (!m) continue;
      kinds += 1;
      const label = m[1]!;
      expect([label, sumif(label)]).toEqual([label, BigInt(Math.round((impact.result ?? 0) * 100))]);
      expect(row.getCell(3).value).toEqual({
        formula: `COUNTIF(Findings!$B:$B,"=${label}")`,
        result: countif(label),
      });
    }
    expect(kinds).toBe(report.findingTotals.length);

    const deducted = cellsOf(summary).find((r) => r.getCell(1).value === 'Finding dollars deducted from terms')!;
    const moved = (metric: string, column: number) =>
      cellsOf(buckets)
        .filter((r) => r.getCell(15).value === 'deducted' && r.getCell(2).value === metric)
        .map((r) => num(r.getCell(column).value));
    expect(fromCents(centsOf([...moved('AWP discount', 18), ...moved('Dispensing fee', 19)]))).toBe(report.summary.findingOverlap.deducted);
    expect((deducted.getCell(2).value as { formula: string }).formula).toContain('SUMIFS(Buckets!$R:$R,Buckets!$O:$O,"=deducted"');
  });

  it("gives a rebate term's guaranteed minimum in dollars, as the rate times its claims", () => {
    const sheet = sheetOf(workbook, 'Buckets');
    const rows: Row[] = [];
    sheet.eachRow((row) => rows.push(row));
    const rebate = rows.find((r) => r.getCell(1).value === 'g-cp-2025-rebate')!;
    expect(sheet.getRow(1).getCell(20).value).toBe('Guaranteed minimum');
    expect(rebate.getCell(20).value).toEqual({
      formula: `E${rebate.number}*I${rebate.number}`,
      result: 140717.5,
    });
    expect(rebate.getCell(20).numFmt).toBe(currencyFormat);
    const total = rows.find((r) => r.getCell(1).value === 'Total Rebate per brand claim')!;
    expect(total.getCell(20).value).toEqual({
      formula: `SUM(T${rebate.number}:T${rebate.number})`,
      result: 140717.5,
    });
  });

  it('lists the claims no term guarantees after the terms, with a total, owed nothing', async () => {
    const withCells = await readBack(
      await workbookBytes({
        ...reconciliationReportFixture({ claimFindings: 5 }),
        notGuaranteed: [
          {
            metric: 'awp_discount',
            channel: 'specialty',
            drugType: 'generic',
            claimCount: 1_204,
            excludedClaimCount: 12,
            awp: '412345.67',
            ingredientCostPaid: '301234.56',
          },
          {
            metric: 'awp_discount',
            channel: 'mail',
            drugType: 'brand',
            claimCount: 96,
            excludedClaimCount: 0,
            awp: '0.33',
            ingredientCostPaid: '0.44',
          },
        ],
      }),
    );
    const rows: Row[] = [];
    sheetOf(withCells, 'Buckets').eachRow((row) => rows.push(row));
    const title = rows.findIndex((r) => r.getCell(1).value === 'AWP discount: not guaranteed');
    expect(title).toBeGreaterThan(0);
    const [first, second, total] = rows.slice(title + 1, title + 4) as [Row, Row, Row];
    expect([1, 2, 3, 4, 5, 6, 7].map((c) => first.getCell(c).value)).toEqual([
      'not guaranteed',
      'AWP discount',
      'specialty',
      'generic',
      1_204,
      412345.67,
      301234.56,
    ]);
    expect(String(first.getCell(14).value)).toContain('owed nothing');
    expect(total.getCell(1).value).toBe('Total AWP discount: not guaranteed');
    expect(total.getCell(6).value).toEqual({
      formula: `SUM(F${first.number}:F${second.number})`,
      result: 412346,
    });
    expect(total.getCell(5).value).toEqual({
      formula: `SUM(E${first.number}:E${second.number})`,
      result: 1_300,
    });
    // Not a term: the Summary's overlap formulas (rule in column O) never count these rows.
    expect(first.getCell(15).value).toBeNull();
  });
});
