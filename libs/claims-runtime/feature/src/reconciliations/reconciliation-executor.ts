import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import {
  canonicalJson,
  computeReconciliation,
  groupBuckets,
  planReconciliation,
  reconciliationEngineVersion,
  owedFigures,
  type PlannedGuarantee,
  type ReconciliationReport,
} from '@leaf/claims-runtime/domain';
import {
  ClaimsSource,
  GuaranteesRepository,
  auditRulesFor,
  ReconciliationRunsRepository,
  recoveriesOf,
  type AuditRow,
  type ClaimsSourceMapping,
} from '@leaf/claims-runtime/data-access';
import { toCents, type ArtifactName, type EvidenceRef, type Finding, type ReconciliationSummary, type RunArtifact } from '@leaf/contracts';
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
  logger: Logger;
  /** Called after the completing transaction commits (wakes the outbox relay). */
  onCommitted?: () => void;
}

const contentTypes: Record<ArtifactName, string> = {
  'findings-evidence.json': 'application/json',
  'run-inputs.json': 'application/json',
  'reconciliation.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'reconciliation.pdf': 'application/pdf',
};

const topFindingCount = 25;

/**
 * Runs one reconciliation end to end: plan from the current guarantee versions, aggregate and audit
 * in the claims source (SQL does the scanning), compute exactly, store evidence and the two
 * deliverables content-addressed in the lake, then commit findings, figures and the completion
 * event in one transaction. Every artifact is a function of the recorded inputs alone.
 */
export class ReconciliationExecutor {
  private readonly runs: ReconciliationRunsRepository;
  private readonly guarantees: GuaranteesRepository;

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
    const claimIdsByFinding = new Map<string, string[]>();
    for (const finding of totals.shortfallFindings) {
      const ids: string[] = [];
      for (const term of totals.shortfallTerms.get(finding.findingId) ?? []) {
        signal?.throwIfAborted();
        ids.push(...(await source.claimIdsFor(plan, term)));
      }
      claimIdsByFinding.set(finding.findingId, ids.sort());
    }

    const termOf = new Map(plan.feeGuarantees.map((g) => [g.channel, g]));
    const auditFindings = auditRows.map((row) =>
      toFinding(
        row,
        request.mapping,
        row.kind === 'fee_above_contract'
          ? (termOf.get(row.channel) ?? termOf.get(null))
          : row.termIndex !== null
            ? plan.discountTerms[row.termIndex]
            : undefined,
        plan.brandGeneric.text,
      ),
    );
    const findings = [...totals.shortfallFindings, ...auditFindings];

    // One place for the owed figures: the findings. The buckets' math must arrive at the same
    // guarantee shortfall by its own path, or the run is not published.
    const owed = owedFigures(findings);
    if (owed.guaranteeShortfall !== totals.guaranteeShortfall) {
      throw new Error(`the guarantee findings (${owed.guaranteeShortfall}) do not add up to the terms' shortfall (${totals.guaranteeShortfall})`);
    }
    const summary: ReconciliationSummary = {
      claimCount: totals.netClaims,
      eligibleClaimCount: totals.netClaims - totals.excludedClaims,
      excludedClaimCount: totals.excludedClaims,
      totalAwp: totals.awp,
      totalIngredientCostPaid: totals.ingredientCost,
      eligibleAwp: totals.eligibleAwp,
      eligibleIngredientCostPaid: totals.eligibleIngredientCost,
      guaranteeShortfall: owed.guaranteeShortfall,
      auditImpact: owed.auditImpact,
      totalOwed: owed.totalOwed,
      findingTotals: [...owed.findingTotals],
      findingOverlap: totals.findingOverlap,
    };

    await stage('writing evidence', 0.6);
    const inputs = {
      engineVersion: reconciliationEngineVersion,
      clientId: request.clientId,
      periodId: request.periodId,
      periodStart: request.periodStart,
      periodEnd: request.periodEnd,
      mapping: request.mapping,
      // Which optional checks ran, and which the mapping's missing fields left out.
      auditRules: auditRulesFor(request.mapping),
      watermark,
      guarantees: plan.guarantees,
      queries: source.sent.map((q) => ({
        name: q.name,
        text: q.text,
        params: q.params,
      })),
    };
    const inputsJson = canonicalJson(inputs);
    const inputsSha256 = createHash('sha256').update(inputsJson).digest('hex');
    const evidenceJson = canonicalJson({
      engineVersion: reconciliationEngineVersion,
      inputsSha256,
      clientId: request.clientId,
      periodId: request.periodId,
      summary,
      buckets: totals.buckets,
      findings: findings.map((f) => ({
        ...f,
        claimIds: claimIdsByFinding.get(f.findingId) ?? (f.claimId ? [f.claimId] : []),
      })),
    });
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
    await store('run-inputs.json', inputsJson);
    const evidenceObject = await store('findings-evidence.json', evidenceJson);

    const report: ReconciliationReport = {
      // The run that first computed these inputs (this one, unless it is a replay): a replay
      // renders the same bytes and names the run they come from.
      runId: (await this.runs.firstRunWithInputs(request.clientId, request.periodId, inputsSha256)) ?? runId,
      clientId: request.clientId,
      clientName: request.clientName,
      periodId: request.periodId,
      periodStart: request.periodStart,
      periodEnd: request.periodEnd,
      pbmName: request.pbmName,
      inputsSha256,
      codeVersion: reconciliationEngineVersion,
      asOf: `claims=${watermark.claimRows};maxFill=${watermark.maxFillDate ?? '-'};maxId=${watermark.maxClaimId ?? '-'}`,
      summary,
      buckets: totals.buckets,
      // Cells no term guarantees, with their totals: shown, owed nothing, never dropped.
      notGuaranteed: notGuaranteedCells(aggregates, plan.guarantees),
      bucketGroups: groupBuckets(totals.buckets),
      findingTotals: summary.findingTotals,
      topFindings: [...findings]
        .sort((a, b) => Number(toCents(b.impact) - toCents(a.impact)) || (a.findingId < b.findingId ? -1 : 1))
        .slice(0, topFindingCount),
      findings: async function* () {
        yield* findings;
      },
      evidence: [
        {
          name: 'run-inputs.json',
          sha256: inputsSha256,
          reference: 'mapping, watermark, guarantee versions, queries and parameters',
        },
        {
          name: 'findings-evidence.json',
          sha256: evidenceObject.sha256,
          reference: 'every finding with the claim ids behind it',
        },
        ...plan.guarantees.map((g) => ({
          name: `${g.guaranteeId} v${g.version}`,
          sha256: g.evidence.sha256 ?? '',
          reference: `${g.evidence.sourceSystem} ${g.evidence.objectId} ${g.evidence.locator}`,
        })),
      ],
    };

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
    this.deps.logger.info(
      {
        runId,
        clientId: request.clientId,
        findings: findings.length,
        totalOwed: summary.totalOwed,
        inputsSha256,
      },
      'reconciliation completed',
    );
  }
}

const details: Record<AuditRow['kind'], (r: AuditRow, brandGenericDefinition: string) => string> = {
  paid_above_uc: (r) => `paid ${r.impact} above the pharmacy's usual and customary price`,
  ingredient_above_awp: (r) => `ingredient cost ${r.impact} above AWP`,
  fee_above_contract: (r) => `dispensing fee ${r.impact} above the contracted per-claim fee`,
  duplicate_fill: (r) => `duplicate of claim ${r.relatedClaimId ?? '?'} (same member, NDC, date and pharmacy)`,
  short_days_supply_90: () => 'short days supply in a 90-day channel: an extra dispensing fee',
  refill_too_soon: (r) =>
    `filled before 75% of the days supply of claim ${r.relatedClaimId ?? '?'} (same member and GPI, any pharmacy) had elapsed: the claim is recoverable`,
  brand_generic_reclass: (r, definition) =>
    `billed as ${r.drugType ?? 'its source code'}, ${r.drugType === 'brand' ? 'generic' : 'brand'} under the contract's definition (${definition}): ingredient cost ${r.impact} above that type's guaranteed discount`,
};

function toFinding(row: AuditRow, mapping: ClaimsSourceMapping, term: PlannedGuarantee | undefined, brandGenericDefinition: string): Finding {
  const claimRef: EvidenceRef = {
    sourceSystem: 'claims-source',
    objectId: row.claimId,
    sha256: null,
    locator: `${mapping.table}.${mapping.columns.claimId}`,
  };
  const evidence: EvidenceRef[] = [claimRef];
  if (row.relatedClaimId) evidence.push({ ...claimRef, objectId: row.relatedClaimId });
  if (term) evidence.push(term.evidence);
  return {
    findingId: `${row.kind}:${row.claimId}`,
    kind: row.kind,
    claimId: row.claimId,
    guaranteeId: term?.guaranteeId ?? null,
    channel: row.channel,
    drugType: row.drugType,
    impact: row.impact,
    detail: details[row.kind](row, brandGenericDefinition),
    claimCount: 1,
    evidence,
  };
}
