import { PassThrough } from 'node:stream';
import type { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import {
  assembleRunDocuments,
  assembleRunReport,
  computeReconciliation,
  planReconciliation,
  recoveriesOf,
  type PlannedGuarantee,
  type ReconciliationPlan,
  type ReconciliationTotals,
} from '@leaf/claims-runtime/domain';
import { ClaimsSource, GuaranteesRepository, auditRulesFor, ReconciliationRunsRepository, type ClaimsSourceMapping } from '@leaf/claims-runtime/data-access';
import type { ArtifactName, RunArtifact } from '@leaf/contracts';
import { addToOutbox } from '@leaf/messaging';
import { notGuaranteedCells } from '@leaf/claims-runtime/reports';
import type { Lake } from '@leaf/storage';
import type { ReportRenderers } from './report-renderers';
import { addFindingsSearchDocument } from './findings-search-documents';

export interface RunRequest {
  runId: string;
  clientId: string;
  clientName: string;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  pbmName: string;
  mapping: ClaimsSourceMapping;
}

export interface ExecutorDeps {
  /** The instance executing runs: every write of a run is refused once it is not theirs. */
  ownerId: string;
  serviceDb: DataSource;
  claimsDb: DataSource;
  lake: Lake;
  renderers: ReportRenderers;
  /** Called after the completing transaction commits (wakes the outbox relay). */
  onCommitted?: () => void;
}

const contentTypes: Record<ArtifactName, string> = {
  'findings-evidence.json': 'application/json',
  'run-inputs.json': 'application/json',
  'reconciliation.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'reconciliation.pdf': 'application/pdf',
};

/**
 * Runs one reconciliation end to end: plan from the current guarantee versions, aggregate and audit
 * in the claims source (SQL does the scanning), compute exactly, store evidence and the two
 * deliverables content-addressed in the lake, then commit findings, figures and the completion
 * event in one transaction. Every artifact is a function of the recorded inputs alone.
 */
export class ReconciliationExecutor {
  private readonly runs: ReconciliationRunsRepository;
  private readonly guarantees: GuaranteesRepository;
  private readonly log = new Logger('ReconciliationExecutor');

  constructor(private readonly deps: ExecutorDeps) {
    this.runs = new ReconciliationRunsRepository(deps.serviceDb);
    this.guarantees = new GuaranteesRepository(deps.serviceDb);
  }

  /**
   * `signal` aborts when the run stops being this instance's (its lease was lost): the executor
   * stops at the next step, and its writes are refused anyway (RUN_NOT_OWNED).
   */
  async execute(request: RunRequest, guarantees?: readonly PlannedGuarantee[], signal?: AbortSignal): Promise<void> {
    const { runId } = request;
    const { ownerId } = this.deps;
    const stage = async (name: string, progress: number) => {
      signal?.throwIfAborted();
      await this.runs.progress(runId, ownerId, name, progress);
    };
    const source = new ClaimsSource(this.deps.claimsDb, request.mapping);

    await stage('reading the claims watermark', 0.05);
    const terms = guarantees ?? (await this.guarantees.versionsForPeriod(request.clientId, request.periodId));
    const plan = planReconciliation({ ...request, guarantees: terms });
    const watermark = await source.watermark(request.clientId);

    await stage('aggregating claims by guarantee bucket', 0.15);
    const aggregates = await source.bucketAggregates(plan);

    await stage('running per-claim audit checks', 0.35);
    const auditRows = await source.auditRows(plan);
    // The dollars the audit findings recover leave the aggregate terms before their shortfall.
    const totals = computeReconciliation(plan, aggregates, recoveriesOf(auditRows));

    await stage('collecting the claims behind each shortfall', 0.5);
    const claimIdsByFinding = await claimIdsBehind(source, plan, totals, signal);

    // The findings, figures and evidence documents are the domain's, from what was read.
    const documents = assembleRunDocuments({
      plan,
      totals,
      auditRows,
      claimLocator: `${request.mapping.table}.${request.mapping.columns.claimId}`,
      claimIdsByFinding,
      mapping: request.mapping,
      auditRules: auditRulesFor(request.mapping),
      watermark,
      queries: source.sent,
    });
    const { findings, summary, inputsSha256 } = documents;

    await stage('writing evidence', 0.6);
    const artifacts: RunArtifact[] = [];
    const store = async (name: ArtifactName, content: Buffer | string | PassThrough) => {
      const object = await this.deps.lake.put('artifacts', content, {
        contentType: contentTypes[name],
        metadata: { name: name.replace(/[^a-z0-9-]/g, '-') },
      });
      artifacts.push({
        name,
        sha256: object.sha256,
        bytes: object.size,
        contentType: contentTypes[name],
        href: `/v1/clients/${request.clientId}/reconciliations/${runId}/artifacts/${name}`,
      });
      return object;
    };
    await store('run-inputs.json', documents.inputsJson);
    const evidenceObject = await store('findings-evidence.json', documents.evidenceJson);

    const report = assembleRunReport({
      subject: request,
      sourceRunId: (await this.runs.firstRunWithInputs(request.clientId, request.periodId, inputsSha256)) ?? runId,
      documents,
      evidenceSha256: evidenceObject.sha256,
      watermark,
      buckets: totals.buckets,
      guarantees: plan.guarantees,
      notGuaranteed: notGuaranteedCells(aggregates, plan.guarantees),
    });

    await stage('rendering the workbook', 0.75);
    const workbook = new PassThrough();
    const stored = store('reconciliation.xlsx', workbook);
    await this.deps.renderers.workbook(report, workbook);
    await stored;

    await stage('rendering the PDF report', 0.9);
    await store('reconciliation.pdf', await this.deps.renderers.pdf(report));

    signal?.throwIfAborted();
    await this.deps.serviceDb.transaction(async (manager) => {
      await this.runs.complete(manager, runId, ownerId, {
        inputsSha256,
        summary,
        buckets: totals.buckets,
        artifacts,
        findings,
      });
      await addToOutbox(manager, 'claims.reconciliation-completed.v1', {
        messageId: runId,
        body: {
          runId,
          clientId: request.clientId,
          periodId: request.periodId,
          shortfall: summary.totalOwed,
          findingsArtifactSha256: evidenceObject.sha256,
          completedAt: new Date().toISOString(),
        },
        subject: request.clientId,
      });
      await addFindingsSearchDocument(manager, {
        runId,
        clientId: request.clientId,
        clientName: request.clientName,
        periodId: request.periodId,
        summary,
        findings,
      });
    });
    this.deps.onCommitted?.();
    this.log.log({
      msg: 'reconciliation completed',
      runId,
      clientId: request.clientId,
      findings: findings.length,
      totalOwed: summary.totalOwed,
      inputsSha256,
    });
  }
}

/** The claim ids behind each shortfall finding (its terms' claims, sorted), by finding id. */
async function claimIdsBehind(
  source: ClaimsSource,
  plan: ReconciliationPlan,
  totals: ReconciliationTotals,
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const claimIdsByFinding = new Map<string, string[]>();
  for (const finding of totals.shortfallFindings) {
    const ids: string[] = [];
    for (const term of totals.shortfallTerms.get(finding.findingId) ?? []) {
      signal?.throwIfAborted();
      ids.push(...(await source.claimIdsFor(plan, term)));
    }
    claimIdsByFinding.set(finding.findingId, ids.sort());
  }
  return claimIdsByFinding;
}
