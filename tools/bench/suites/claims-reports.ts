import { Writable } from 'node:stream';
import { stream } from 'exceljs';
import { writeReconciliationWorkbook } from '@leaf/claims-runtime/reports';
import { reconciliationReportFixture } from '@leaf/claims-runtime/reports/testing';
import type { BenchCase } from '../bench-case';

/** What the workbook case reads from its suite's context, if the suite has it; it needs nothing else. */
export interface WorkbookBenchContext {
  readonly log?: (message: string) => void;
  /** Findings rows to write; default 200 000. */
  readonly workbookRows?: number;
}

const defaultRows = 200_000;
/** Each side runs this many times, alternating who goes first; the best run counts, to damp a busy machine. */
const rounds = 2;

/** Discards the bytes (the bench measures writing, not the disk) and counts them. */
function byteCounter(): { sink: Writable; bytes: () => number } {
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      callback();
    },
  });
  return { sink, bytes: () => total };
}

const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);

/**
 * Our styled, totalled, deterministic workbook (four sheets, findings streamed) against exceljs's
 * bare streaming writer writing the same findings rows (same values, one sheet, no styles, no
 * totals). Both draw the rows from the same report's `findings()` stream. Goal: ours ≥ 0.5×.
 */
export function createWorkbookBenchCase(rowsOverride?: number): BenchCase<WorkbookBenchContext> {
  return {
    name: 'reconciliation-workbook',
    unit: 'rows/s',
    kind: 'throughput',
    async measure({ log = () => undefined, workbookRows } = {}) {
      const rows = rowsOverride ?? workbookRows ?? defaultRows;
      const report = reconciliationReportFixture({ claimFindings: rows });
      let findingRows = 0;
      for await (const _ of report.findings()) findingRows += 1;

      let best = 0;
      let bestReference = 0;
      const runOurs = async () => {
        const { sink, bytes } = byteCounter();
        const started = performance.now();
        await writeReconciliationWorkbook(report, sink);
        const rate = perSecond(findingRows, performance.now() - started);
        log(`  writeReconciliationWorkbook: ${rate} rows/s (${findingRows} findings, ${bytes()} bytes)`);
        best = Math.max(best, rate);
      };
      const runBare = async () => {
        const { sink, bytes } = byteCounter();
        const started = performance.now();
        const workbook = new stream.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
        const sheet = workbook.addWorksheet('Findings');
        for await (const f of report.findings()) {
          sheet
            .addRow([
              f.findingId,
              f.kind,
              f.claimId,
              f.guaranteeId,
              f.channel,
              f.drugType,
              f.claimCount,
              Number(f.impact),
              f.detail,
              f.evidence.map((e) => `${e.objectId} ${e.locator}`).join('; '),
            ])
            .commit();
        }
        sheet.commit();
        await workbook.commit();
        const rate = perSecond(findingRows, performance.now() - started);
        log(`  exceljs bare streaming writer: ${rate} rows/s (${bytes()} bytes)`);
        bestReference = Math.max(bestReference, rate);
      };
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          await runOurs();
          await runBare();
        } else {
          await runBare();
          await runOurs();
        }
      }
      return { value: best, reference: { name: 'exceljs stream.xlsx.WorkbookWriter (no styles)', value: bestReference } };
    },
  };
}

export const workbookBenchCase = createWorkbookBenchCase();
