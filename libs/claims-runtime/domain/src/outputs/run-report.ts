import { toCents, type Finding, type ReconciliationBucket } from '@leaf/contracts';
import { reconciliationEngineVersion } from '../reconcile/engine-version';
import type { PlannedTerm } from '../reconcile/reconciliation-plan';
import { groupBuckets } from '../report/bucket-groups';
import type { NotGuaranteedCell, ReconciliationReport, ReportEvidence } from '../report/reconciliation-report';
import type { RunDocuments, RunWatermark } from './run-documents';

/** How many of the largest findings the PDF lists. */
export const topFindingCount = 25;

/** The client, period and PBM a report is for, as the run was requested. */
export type ReportSubject = Pick<ReconciliationReport, 'clientId' | 'clientName' | 'periodId' | 'periodStart' | 'periodEnd' | 'pbmName'>;

/** The watermark as the report cites it, e.g. `claims=412345;maxFill=2025-12-31;maxId=CLM…`. */
export const asOfWatermark = (w: RunWatermark): string => `claims=${w.claimRows};maxFill=${w.maxFillDate ?? '-'};maxId=${w.maxClaimId ?? '-'}`;

/** The `count` largest findings by impact, ties by finding id. */
export const largestFindings = (findings: readonly Finding[], count = topFindingCount): Finding[] =>
  [...findings].sort((a, b) => Number(toCents(b.impact) - toCents(a.impact)) || (a.findingId < b.findingId ? -1 : 1)).slice(0, count);

/** What the report cites: the two evidence documents, then each guarantee version's source. */
export const reportEvidence = (inputsSha256: string, evidenceSha256: string, guarantees: readonly PlannedTerm[]): ReportEvidence[] => [
  {
    name: 'run-inputs.json',
    sha256: inputsSha256,
    reference: 'mapping, watermark, guarantee versions, queries and parameters',
  },
  {
    name: 'findings-evidence.json',
    sha256: evidenceSha256,
    reference: 'every finding with the claim ids behind it',
  },
  ...guarantees.map((g) => ({
    name: `${g.guaranteeId} v${g.version}`,
    sha256: g.evidence.sha256 ?? '',
    reference: `${g.evidence.sourceSystem} ${g.evidence.objectId} ${g.evidence.locator}`,
  })),
];

export interface RunReportInput {
  readonly subject: ReportSubject;
  /**
   * The run that first computed these inputs (the current one, unless it is a replay): a replay
   * renders the same bytes and names the run they come from.
   */
  readonly sourceRunId: string;
  readonly documents: Pick<RunDocuments, 'findings' | 'summary' | 'inputsSha256'>;
  /** The content hash of the stored `findings-evidence.json`. */
  readonly evidenceSha256: string;
  readonly watermark: RunWatermark;
  readonly buckets: readonly ReconciliationBucket[];
  readonly guarantees: readonly PlannedTerm[];
  /** Cells no term guarantees, with their totals: shown, owed nothing, never dropped. */
  readonly notGuaranteed: readonly NotGuaranteedCell[];
}

/** The model the workbook and the PDF render: a function of the run's documents alone (no clock). */
export function assembleRunReport(input: RunReportInput): ReconciliationReport {
  const { subject, documents } = input;
  const findings = documents.findings;
  return {
    runId: input.sourceRunId,
    clientId: subject.clientId,
    clientName: subject.clientName,
    periodId: subject.periodId,
    periodStart: subject.periodStart,
    periodEnd: subject.periodEnd,
    pbmName: subject.pbmName,
    inputsSha256: documents.inputsSha256,
    codeVersion: reconciliationEngineVersion,
    asOf: asOfWatermark(input.watermark),
    summary: documents.summary,
    buckets: input.buckets,
    notGuaranteed: input.notGuaranteed,
    bucketGroups: groupBuckets(input.buckets),
    findingTotals: documents.summary.findingTotals,
    topFindings: largestFindings(findings),
    findings: async function* () {
      yield* findings;
    },
    evidence: reportEvidence(documents.inputsSha256, input.evidenceSha256, input.guarantees),
  };
}
