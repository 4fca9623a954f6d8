import type { BucketGroup, Channel, DrugType, GuaranteeMetric, Finding, FindingKindTotal, ReconciliationBucket, ReconciliationSummary } from '@leaf/contracts';

export type { FindingKindTotal };

/** A stored input or output the report cites: its name, content hash and what it is. */
export interface ReportEvidence {
  readonly name: string;
  readonly sha256: string;
  readonly reference: string;
}

/**
 * The net claims of one channel and drug type that no term of a metric guarantees (the packet
 * said "not guaranteed", or has no row for it): measured and shown, owed nothing.
 */
export interface NotGuaranteedCell {
  readonly metric: GuaranteeMetric;
  readonly channel: Channel;
  readonly drugType: DrugType;
  readonly claimCount: number;
  /** Of those, claims carrying an exclusion flag. */
  readonly excludedClaimCount: number;
  readonly awp: string;
  readonly ingredientCostPaid: string;
}

/**
 * Everything the workbook and the PDF show, and nothing else: both are pure renderings of this
 * model, so two runs with the same inputs give byte-identical files. It carries no wall-clock
 * time; `asOf` is the claims source watermark the run recorded.
 */
export interface ReconciliationReport {
  readonly runId: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly periodId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly pbmName: string;
  /** sha256 of the recorded run inputs. */
  readonly inputsSha256: string;
  readonly codeVersion: string;
  /** The claims source watermark, e.g. `claims=412345;maxFill=2025-12-31;maxId=CLM…`. */
  readonly asOf: string;
  readonly summary: ReconciliationSummary;
  readonly buckets: readonly ReconciliationBucket[];
  /** `groupBuckets(buckets)`: the buckets by metric, totalled only where they partition the claims. */
  readonly bucketGroups: readonly BucketGroup[];
  /** The summary's owed figures by finding kind (the same list as `summary.findingTotals`). */
  readonly findingTotals: readonly FindingKindTotal[];
  /** The largest findings by impact, for the PDF (the workbook lists them all via `findings`). */
  readonly topFindings: readonly Finding[];
  /** Every finding in a stable order; may be large, so it is streamed. */
  readonly findings: () => AsyncIterable<Finding>;
  readonly evidence: readonly ReportEvidence[];
  /**
   * Per metric the contract guarantees, the channel x drug type cells with claims that none of its
   * terms covers, so the report shows them with their totals instead of dropping them. Absent for
   * runs rendered before this existed.
   */
  readonly notGuaranteed?: readonly NotGuaranteedCell[];
}
