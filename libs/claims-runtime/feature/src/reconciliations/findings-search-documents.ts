import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { toCents, type Finding, type ReconciliationSummary, type SearchChunk, type SearchDocumentV1 } from '@leaf/contracts';
import { addToOutbox } from '@leaf/messaging';

/** The largest findings become chunks of their own; the rest are counted in the summary chunk. */
const findingChunkCount = 50;

export interface CompletedRunFindings {
  runId: string;
  clientId: string;
  clientName: string;
  periodId: string;
  summary: ReconciliationSummary;
  findings: readonly Finding[];
}

/**
 * The search document of a completed run's findings: one summary chunk, then one chunk per
 * largest finding (locator `finding:<id>`). Its id is per client and period, so a later run of
 * the same period replaces the earlier one in the index (a rerun supersedes its run).
 */
export function findingsSearchDocument(run: CompletedRunFindings): SearchDocumentV1 {
  const totals = run.summary.findingTotals.map((t) => `${t.kind.replace(/_/g, ' ')} ${t.count} finding(s) ${t.impact}`).join('; ');
  const summaryText =
    `Reconciliation findings for ${run.clientName}, period ${run.periodId}: total owed ${run.summary.totalOwed} ` +
    `(guarantee shortfall ${run.summary.guaranteeShortfall}, audit impact ${run.summary.auditImpact}) over ${run.summary.claimCount} claims. ${totals}`;
  const largest = [...run.findings]
    .sort((a, b) => Number(toCents(b.impact) - toCents(a.impact)) || (a.findingId < b.findingId ? -1 : 1))
    .slice(0, findingChunkCount);
  const chunks: SearchChunk[] = [
    { locator: 'summary', text: summaryText.slice(0, 20_000) },
    ...largest.map((f) => ({
      locator: `finding:${f.findingId}`.slice(0, 200),
      text: [f.kind.replace(/_/g, ' '), f.channel, f.drugType, `impact ${f.impact}`, `${f.claimCount} claim(s)`, f.detail]
        .filter(Boolean)
        .join(' · ')
        .slice(0, 20_000),
    })),
  ];
  const text = chunks.map((c) => c.text).join('\n');
  return {
    documentId: `claims-findings:${run.clientId}:${run.periodId}`.slice(0, 200),
    clientId: run.clientId,
    source: 'claims-finding',
    module: 'findings',
    objectId: run.runId,
    kind: 'finding-summary',
    title: `Findings ${run.periodId} (${run.runId})`.slice(0, 500),
    text: text.slice(0, 1_000_000),
    sha256: createHash('sha256').update(text).digest('hex'),
    locator: 'summary',
    chunks,
    updatedAt: new Date().toISOString(),
  };
}

/** Puts the run's findings document into the outbox, in the transaction that completes the run. */
export async function addFindingsSearchDocument(manager: EntityManager, run: CompletedRunFindings): Promise<void> {
  await addToOutbox(manager, 'claims.search-documents.v1', {
    messageId: `findings-search:${run.runId}`,
    body: findingsSearchDocument(run),
    subject: run.clientId,
  });
}
