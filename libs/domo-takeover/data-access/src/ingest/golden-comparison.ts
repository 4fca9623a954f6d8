import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DomoComparison } from '@leaf/contracts';
import { diffByKey, savingsComparisonSpec, savingsModel, summarize } from '@leaf/domo-takeover/domain';
import type { Lake } from '@leaf/storage';
import { curatedSavingsRows, domoSavingsRows, refreshCuratedSavings } from '../curated/curated-savings';
import { comparisonPacketJson, comparisonPacketXlsx } from '../packet/comparison-packet';
import { comparisonPacketPdf } from '../packet/comparison-packet-pdf';
import { DomoComparisonsRepository } from '../repositories/domo-comparisons.repository';
import { DomoExportsRepository } from '../repositories/domo-exports.repository';

export class NothingToCompareError extends Error {
  readonly code = 'DOMO_NOTHING_TO_COMPARE';
}

export const comparisonPacketArea = 'evidence/domo/comparisons';

/**
 * Domo's promoted savings export against the backend's curated model, refreshed first: key-level
 * diff, reasons, summary, the packet (JSON, workbook and PDF) in the lake, then the comparison and its
 * differences recorded in one transaction.
 */
export async function runGoldenComparison(ds: DataSource, lake: Lake, now: () => Date = () => new Date()): Promise<DomoComparison> {
  const exports = new DomoExportsRepository(ds);
  const promoted = await exports.promoted('savings_by_client_month');
  if (promoted === undefined) throw new NothingToCompareError('no promoted export of savings_by_client_month to compare');
  await refreshCuratedSavings(ds);
  const result = diffByKey(savingsComparisonSpec, await domoSavingsRows(ds, promoted.exportId), await curatedSavingsRows(ds));
  const summary = summarize(result);
  const comparisonId = `dcm-${randomBytes(12).toString('hex')}`;
  const createdAt = now();
  const input = {
    comparisonId,
    dataset: 'savings_by_client_month',
    exportId: promoted.exportId,
    exportSha256: promoted.sha256,
    model: savingsModel.id,
    createdAt: createdAt.toISOString(),
    spec: savingsComparisonSpec,
    summary,
    differences: result.differences,
  };
  const json = await lake.put(comparisonPacketArea, comparisonPacketJson(input), { contentType: 'application/json', metadata: { comparison: comparisonId } });
  const xlsx = await lake.put(comparisonPacketArea, await comparisonPacketXlsx(input), {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    metadata: { comparison: comparisonId },
  });
  const pdf = await lake.put(comparisonPacketArea, await comparisonPacketPdf(input), {
    contentType: 'application/pdf',
    metadata: { comparison: comparisonId },
  });
  const comparisons = new DomoComparisonsRepository(ds);
  await comparisons.insert({
    comparisonId,
    dataset: 'savings_by_client_month',
    exportId: promoted.exportId,
    model: savingsModel.id,
    createdAt,
    summary,
    differences: result.differences,
    jsonKey: json.key,
    xlsxKey: xlsx.key,
    pdfKey: pdf.key,
  });
  const saved = await comparisons.get(comparisonId);
  if (saved === undefined) throw new Error('comparison vanished after insert');
  const { jsonKey: _j, xlsxKey: _x, pdfKey: _p, ...comparison } = saved;
  return comparison;
}
