import { canonicalJson, sha256Hex, type Finding, type ReconciliationSummary } from '@leaf/contracts';
import { auditFindings, type AuditRow } from '../reconcile/audit-findings';
import type { ReconciliationTotals } from '../reconcile/compute-reconciliation';
import { reconciliationEngineVersion } from '../reconcile/engine-version';
import { owedFigures } from '../reconcile/owed-figures';
import type { ReconciliationPlan } from '../reconcile/reconciliation-plan';

/** The claims source watermark a run read first: how much of the source it saw. */
export interface RunWatermark {
  readonly claimRows: number;
  readonly maxClaimId: string | null;
  readonly maxFillDate: string | null;
}

/** One statement the run sent to the claims source, as recorded in its inputs. */
export interface RecordedQuery {
  readonly name: string;
  readonly text: string;
  readonly params: readonly unknown[];
}

/** Everything a run read, and the engine's totals over it: what its documents are a function of. */
export interface RunSources {
  readonly plan: ReconciliationPlan;
  readonly totals: ReconciliationTotals;
  readonly auditRows: readonly AuditRow[];
  /** Where a claim id lives in the source (`table.column`), cited by each per-claim finding. */
  readonly claimLocator: string;
  /** The claim ids behind each shortfall finding (sorted), by finding id. */
  readonly claimIdsByFinding: ReadonlyMap<string, readonly string[]>;
  /** Recorded as they are: the source mapping and the optional checks it lets run. */
  readonly mapping: unknown;
  readonly auditRules: unknown;
  /** Recorded as it is; the report cites its claim count, last fill date and last claim id. */
  readonly watermark: RunWatermark;
  readonly queries: readonly RecordedQuery[];
}

/** What a run writes: its findings and figures, and the two evidence documents (canonical JSON). */
export interface RunDocuments {
  /** The shortfall findings in the engine's order, then the per-claim findings in the audit query's. */
  readonly findings: readonly Finding[];
  readonly summary: ReconciliationSummary;
  /** `run-inputs.json`: mapping, watermark, guarantee versions, queries and parameters. */
  readonly inputsJson: string;
  readonly inputsSha256: string;
  /** `findings-evidence.json`: every finding with the claim ids behind it. */
  readonly evidenceJson: string;
}

/** The shortfall findings, then one finding per audit row. */
export function runFindings(sources: Pick<RunSources, 'plan' | 'totals' | 'auditRows' | 'claimLocator'>): Finding[] {
  return [...sources.totals.shortfallFindings, ...auditFindings(sources.plan, sources.auditRows, sources.claimLocator)];
}

/**
 * The run's figures. The owed figures come from one place, the findings; the buckets' math must
 * arrive at the same guarantee shortfall by its own path, or the run is not published (this throws).
 */
export function runSummary(totals: ReconciliationTotals, findings: readonly Finding[]): ReconciliationSummary {
  const owed = owedFigures(findings);
  if (owed.guaranteeShortfall !== totals.guaranteeShortfall) {
    throw new Error(`the guarantee findings (${owed.guaranteeShortfall}) do not add up to the terms' shortfall (${totals.guaranteeShortfall})`);
  }
  return {
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
}

/**
 * A run's findings, figures and evidence documents from what it read: pure, so the same inputs
 * give the same bytes (a replay's artifacts are byte-identical, and its inputs hash names them).
 */
export function assembleRunDocuments(sources: RunSources): RunDocuments {
  const { plan, totals } = sources;
  const findings = runFindings(sources);
  const summary = runSummary(totals, findings);
  const inputsJson = canonicalJson({
    engineVersion: reconciliationEngineVersion,
    clientId: plan.clientId,
    periodId: plan.periodId,
    periodStart: plan.periodStart,
    periodEnd: plan.periodEnd,
    mapping: sources.mapping,
    // Which optional checks ran, and which the mapping's missing fields left out.
    auditRules: sources.auditRules,
    watermark: sources.watermark,
    guarantees: plan.guarantees,
    queries: sources.queries.map((q) => ({ name: q.name, text: q.text, params: q.params })),
  });
  const inputsSha256 = sha256Hex(inputsJson);
  const evidenceJson = canonicalJson({
    engineVersion: reconciliationEngineVersion,
    inputsSha256,
    clientId: plan.clientId,
    periodId: plan.periodId,
    summary,
    buckets: totals.buckets,
    findings: findings.map((f) => ({
      ...f,
      claimIds: sources.claimIdsByFinding.get(f.findingId) ?? (f.claimId ? [f.claimId] : []),
    })),
  });
  return { findings, summary, inputsJson, inputsSha256, evidenceJson };
}
