import type { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { reconciliationSummarySchema } from '@leaf/contracts';
import type {
  Finding,
  FindingKind,
  FindingPage,
  ReconciliationBucket,
  ReconciliationRun,
  ReconciliationSummary,
  RunArtifact,
  RunListItem,
  RunSupersededBy,
} from '@leaf/contracts';
import { groupBuckets, openRunStatuses, runInterruption, runTransitions, type RunTransition } from '@leaf/claims-runtime/domain';
import { ReconciliationFindingEntity } from '../entities/reconciliation-finding.entity';
import { ReconciliationRunEntity } from '../entities/reconciliation-run.entity';
import { ReconciliationRunError } from './reconciliation-run.error';

export interface NewRun {
  runId: string;
  clientId: string;
  periodId: string;
  requestedBy: string;
  idempotencyKey?: string;
}

/** The instance that executes a run and how long each renewal of its lease lasts. */
export interface RunOwner {
  ownerId: string;
  leaseMs: number;
}

export interface CompletedRun {
  inputsSha256: string;
  summary: ReconciliationSummary;
  buckets: readonly ReconciliationBucket[];
  artifacts: readonly RunArtifact[];
  findings: readonly Finding[];
}

const insertBatch = 500;

/**
 * Runs before the lease columns existed carry none: their creation time plus this grace stands in
 * for one, so a replica of the previous version still executing one during a rollout keeps it.
 */
const legacyLeaseGrace = "INTERVAL '15 minutes'";

/** `now() + leaseMs` on the database's clock, so instances' clocks never have to agree. */
const leaseUntil = 'CURRENT_TIMESTAMP + make_interval(secs => CAST(:leaseSecs AS double precision))';

/**
 * Runs and their findings. A run belongs to the instance executing it for as long as it renews
 * its lease; every change of state is a guarded UPDATE (the states the change may come from, and
 * the owner), so a run failed after its owner vanished never turns succeeded.
 */
export class ReconciliationRunsRepository {
  constructor(private readonly ds: DataSource) {}

  async create(run: NewRun, owner: RunOwner): Promise<void> {
    await this.ds
      .createQueryBuilder()
      .insert()
      .into(ReconciliationRunEntity)
      .values({
        ...run,
        status: 'queued',
        progress: 0,
        stage: 'queued',
        ownerId: owner.ownerId,
        leaseExpiresAt: () => leaseUntil,
      })
      .setParameter('leaseSecs', owner.leaseMs / 1000)
      .execute();
  }

  /** Throws RUN_NOT_OWNED when the run is no longer this owner's to change. */
  async progress(runId: string, ownerId: string, stage: string, progress: number): Promise<void> {
    await this.transition(this.ds.manager, runId, ownerId, 'progress', {
      stage,
      progress: Math.round(progress * 1000),
    });
  }

  /**
   * Stores the figures, every finding and the artifacts list at once, inside the caller's
   * transaction; throws RUN_NOT_OWNED (and so rolls it back) when the run is no longer the owner's.
   */
  async complete(manager: EntityManager, runId: string, ownerId: string, done: CompletedRun): Promise<void> {
    await this.transition(manager, runId, ownerId, 'complete', {
      stage: 'done',
      progress: 1000,
      completedAt: () => 'CURRENT_TIMESTAMP',
      leaseExpiresAt: null,
      inputsSha256: done.inputsSha256,
      summary: JSON.stringify(done.summary),
      buckets: JSON.stringify(done.buckets),
      artifacts: JSON.stringify(done.artifacts),
    });
    for (let i = 0; i < done.findings.length; i += insertBatch) {
      await manager.insert(
        ReconciliationFindingEntity,
        done.findings.slice(i, i + insertBatch).map((f, j) => ({
          runId,
          seq: i + j + 1,
          findingId: f.findingId,
          kind: f.kind,
          claimId: f.claimId,
          guaranteeId: f.guaranteeId,
          channel: f.channel,
          drugType: f.drugType,
          impact: f.impact,
          detail: f.detail.slice(0, 1000),
          claimCount: f.claimCount,
          evidence: JSON.stringify(f.evidence),
        })),
      );
    }
  }

  /** The owner gives up on its run. False when the run was no longer its own (nothing written). */
  async fail(runId: string, ownerId: string, code: string, detail: string): Promise<boolean> {
    try {
      await this.transition(this.ds.manager, runId, ownerId, 'fail', {
        stage: 'failed',
        completedAt: () => 'CURRENT_TIMESTAMP',
        leaseExpiresAt: null,
        errorCode: code,
        errorDetail: detail.slice(0, 1000),
      });
      return true;
    } catch (error) {
      if (error instanceof ReconciliationRunError) return false;
      throw error;
    }
  }

  /**
   * Extends the lease of every open run `ownerId` holds; returns the ids it still holds. A run
   * the caller executes that is missing here was failed by another instance: its executor stops.
   */
  async renewLeases(owner: RunOwner): Promise<string[]> {
    const result = await this.ds
      .createQueryBuilder()
      .update(ReconciliationRunEntity)
      .set({ leaseExpiresAt: () => leaseUntil })
      .where('owner_id = :ownerId AND status IN (:...open)', {
        ownerId: owner.ownerId,
        open: openRunStatuses,
        leaseSecs: owner.leaseMs / 1000,
      })
      .returning('run_id')
      .execute();
    return (result.raw as Array<{ run_id: string }>).map((r) => r.run_id);
  }

  /**
   * Fails the open runs whose lease expired (their owner crashed or stalled), whoever owned
   * them; returns their ids. Concurrent sweeps by several instances fail each run once: the
   * status guard is re-checked on the row each UPDATE locks.
   */
  async failExpired(): Promise<string[]> {
    const result = await this.ds
      .createQueryBuilder()
      .update(ReconciliationRunEntity)
      .set({
        status: runTransitions.expire.to,
        stage: 'failed',
        completedAt: () => 'CURRENT_TIMESTAMP',
        leaseExpiresAt: null,
        errorCode: runInterruption.code,
        errorDetail: runInterruption.detail,
      })
      .where('status IN (:...from)', { from: runTransitions.expire.from })
      .andWhere(`COALESCE(lease_expires_at, created_at + ${legacyLeaseGrace}) < CURRENT_TIMESTAMP`)
      .returning('run_id')
      .execute();
    return (result.raw as Array<{ run_id: string }>).map((r) => r.run_id);
  }

  private async transition(
    manager: EntityManager,
    runId: string,
    ownerId: string,
    transition: RunTransition,
    values: QueryDeepPartialEntity<ReconciliationRunEntity>,
  ): Promise<void> {
    const { from, to } = runTransitions[transition];
    const result = await manager
      .createQueryBuilder()
      .update(ReconciliationRunEntity)
      .set({ ...values, status: to })
      .where('run_id = :runId AND owner_id = :ownerId AND status IN (:...from)', {
        runId,
        ownerId,
        from,
      })
      .execute();
    if (!result.affected) {
      throw new ReconciliationRunError(
        'RUN_NOT_OWNED',
        `run ${runId} is no longer held by this instance (finished, or failed after its lease expired); ${transition} refused`,
      );
    }
  }

  /** The run a client already started with this Idempotency-Key, if any. */
  async findByIdempotencyKey(clientId: string, idempotencyKey: string): Promise<{ runId: string; periodId: string } | undefined> {
    const r = await this.ds.getRepository(ReconciliationRunEntity).findOne({
      where: { clientId, idempotencyKey },
      select: { runId: true, periodId: true },
    });
    return r ? { runId: r.runId, periodId: r.periodId } : undefined;
  }

  /**
   * The first run that succeeded on exactly these inputs (same client, period and inputs hash):
   * its id is the reference its reports print, so a replay renders the same bytes and names the
   * run that first computed them.
   */
  async firstRunWithInputs(clientId: string, periodId: string, inputsSha256: string): Promise<string | undefined> {
    const r = await this.ds.getRepository(ReconciliationRunEntity).findOne({
      where: { clientId, periodId, inputsSha256, status: 'succeeded' },
      select: { runId: true },
      order: { completedAt: 'ASC', runId: 'ASC' },
    });
    return r?.runId;
  }

  /** The run, only within the client it belongs to (another client's run id reads as absent). */
  async get(clientId: string, runId: string): Promise<ReconciliationRun | undefined> {
    const r = await this.ds.getRepository(ReconciliationRunEntity).findOne({ where: { runId, clientId } });
    if (!r) return undefined;
    const buckets = r.buckets ? (JSON.parse(r.buckets) as ReconciliationBucket[]) : [];
    const { supersededBy, ...state } = stateOf(r);
    return {
      ...state,
      // Runs recorded before a figure existed read it as its schema's default.
      summary: r.summary ? reconciliationSummarySchema.parse(JSON.parse(r.summary)) : null,
      buckets,
      bucketGroups: groupBuckets(buckets),
      artifacts: r.artifacts ? (JSON.parse(r.artifacts) as RunArtifact[]) : [],
      supersededBy,
    };
  }

  /**
   * The client's runs, newest first (run ids sort by creation time), optionally of one period or
   * status, after the run id `before` when paging.
   */
  async list(
    clientId: string,
    filter: {
      periodId?: string;
      status?: ReconciliationRun['status'];
      before?: string;
      limit: number;
    },
  ): Promise<RunListPage> {
    const qb = this.ds
      .getRepository(ReconciliationRunEntity)
      .createQueryBuilder('r')
      .select([
        'r.runId',
        'r.clientId',
        'r.periodId',
        'r.status',
        'r.progress',
        'r.stage',
        'r.requestedBy',
        'r.createdAt',
        'r.completedAt',
        'r.errorCode',
        'r.errorDetail',
        'r.inputsSha256',
        'r.summary',
        'r.supersededBy',
      ])
      .where('r.client_id = :clientId', { clientId })
      .orderBy('r.run_id', 'DESC')
      .take(filter.limit + 1);
    if (filter.periodId) qb.andWhere('r.period_id = :periodId', { periodId: filter.periodId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.before) qb.andWhere('r.run_id < :before', { before: filter.before });
    const rows = await qb.getMany();
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map((r) => ({
        ...stateOf(r),
        totalOwed: r.summary ? (JSON.parse(r.summary) as { totalOwed: string }).totalOwed : null,
      })),
      lastRunId: rows.length > filter.limit ? (page[page.length - 1]?.runId ?? null) : null,
    };
  }

  /**
   * The findings of two runs that differ: present in one only, or with another impact; in
   * finding id order after `after`, at most `limit`. One join in the database, however many
   * findings the runs have.
   */
  async findingChanges(baseRunId: string, otherRunId: string, after: string, limit: number): Promise<FindingChange[]> {
    const rows = (await this.ds.query(
      `SELECT COALESCE(a.finding_id, b.finding_id) AS finding_id, COALESCE(a.kind, b.kind) AS kind,
              COALESCE(a.claim_id, b.claim_id) AS claim_id,
              CAST(a.impact AS VARCHAR(40)) AS base_impact, CAST(b.impact AS VARCHAR(40)) AS other_impact
         FROM (SELECT finding_id, kind, claim_id, impact FROM reconciliation_findings WHERE run_id = $1) a
         FULL OUTER JOIN (SELECT finding_id, kind, claim_id, impact FROM reconciliation_findings WHERE run_id = $2) b
           ON a.finding_id = b.finding_id
        WHERE (a.finding_id IS NULL OR b.finding_id IS NULL OR a.impact <> b.impact)
          AND COALESCE(a.finding_id, b.finding_id) > $3
        ORDER BY 1
        LIMIT ${Math.max(1, Math.floor(limit))}`,
      [baseRunId, otherRunId, after],
    )) as Array<Record<string, string | null>>;
    return rows.map((r) => ({
      findingId: String(r['finding_id']),
      kind: r['kind'] as FindingKind,
      claimId: r['claim_id'] ?? null,
      baseImpact: r['base_impact'] ?? null,
      otherImpact: r['other_impact'] ?? null,
    }));
  }

  /** Findings after `afterSeq` in run order; the cursor is the last seq returned. */
  async findings(runId: string, afterSeq: number, limit: number, kind?: FindingKind): Promise<{ items: Finding[]; lastSeq: number | null }> {
    const qb = this.ds
      .getRepository(ReconciliationFindingEntity)
      .createQueryBuilder('f')
      .where('f.run_id = :runId', { runId })
      .andWhere('f.seq > :afterSeq', { afterSeq })
      .orderBy('f.seq', 'ASC')
      .take(limit + 1);
    if (kind) qb.andWhere('f.kind = :kind', { kind });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map((f) => ({
        findingId: f.findingId,
        kind: f.kind as FindingKind,
        claimId: f.claimId,
        guaranteeId: f.guaranteeId,
        channel: f.channel as Finding['channel'],
        drugType: f.drugType as Finding['drugType'],
        impact: f.impact,
        detail: f.detail,
        claimCount: f.claimCount,
        evidence: JSON.parse(f.evidence) as Finding['evidence'],
      })),
      lastSeq: rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
    };
  }
}

export type { FindingPage };

/** A finding present in one run only, or in both with another impact. */
export interface FindingChange {
  findingId: string;
  kind: FindingKind;
  claimId: string | null;
  baseImpact: string | null;
  otherImpact: string | null;
}

/** A page of runs: their list rows, newest first, and the last run id (the cursor) when more remain. */
export interface RunListPage {
  items: RunListItem[];
  lastRunId: string | null;
}

/** A run's state as every view of it shows it. */
function stateOf(r: ReconciliationRunEntity) {
  return {
    runId: r.runId,
    clientId: r.clientId,
    periodId: r.periodId,
    status: r.status as ReconciliationRun['status'],
    progress: r.progress / 1000,
    stage: r.stage,
    requestedBy: r.requestedBy,
    createdAt: new Date(r.createdAt).toISOString(),
    completedAt: r.completedAt ? new Date(r.completedAt).toISOString() : null,
    error: r.errorCode ? { code: r.errorCode, detail: r.errorDetail ?? '' } : null,
    inputsSha256: r.inputsSha256,
    supersededBy: r.supersededBy ? (JSON.parse(r.supersededBy) as RunSupersededBy) : null,
  };
}
