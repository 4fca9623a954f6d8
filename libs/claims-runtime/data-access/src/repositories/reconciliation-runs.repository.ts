import type { DataSource, EntityManager } from 'typeorm';
import type {
  Finding,
  FindingKind,
  FindingPage,
  ReconciliationBucket,
  ReconciliationRun,
  ReconciliationSummary,
  RunArtifact,
} from '@leaf/contracts';
import { ReconciliationFindingEntity } from '../entities/reconciliation-finding.entity';
import { ReconciliationRunEntity } from '../entities/reconciliation-run.entity';

export interface NewRun {
  runId: string;
  clientId: string;
  periodId: string;
  requestedBy: string;
  idempotencyKey?: string;
}

export interface CompletedRun {
  inputsSha256: string;
  summary: ReconciliationSummary;
  buckets: readonly ReconciliationBucket[];
  artifacts: readonly RunArtifact[];
  findings: readonly Finding[];
}

const insertBatch = 500;

/** Runs and their findings. Findings of a run are written in the transaction that completes it. */
export class ReconciliationRunsRepository {
  constructor(private readonly ds: DataSource) {}

  async create(run: NewRun): Promise<void> {
    await this.ds
      .getRepository(ReconciliationRunEntity)
      .insert({ ...run, status: 'queued', progress: 0, stage: 'queued' });
  }

  async progress(
    runId: string,
    stage: string,
    progress: number,
  ): Promise<void> {
    await this.ds
      .getRepository(ReconciliationRunEntity)
      .update(
        { runId },
        { status: 'running', stage, progress: Math.round(progress * 1000) },
      );
  }

  /** Stores the figures, every finding and the artifacts list at once, inside the caller's transaction. */
  async complete(
    manager: EntityManager,
    runId: string,
    done: CompletedRun,
  ): Promise<void> {
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
    await manager.update(
      ReconciliationRunEntity,
      { runId },
      {
        status: 'succeeded',
        stage: 'done',
        progress: 1000,
        completedAt: new Date(),
        inputsSha256: done.inputsSha256,
        summary: JSON.stringify(done.summary),
        buckets: JSON.stringify(done.buckets),
        artifacts: JSON.stringify(done.artifacts),
      },
    );
  }

  async fail(runId: string, code: string, detail: string): Promise<void> {
    await this.ds.getRepository(ReconciliationRunEntity).update(
      { runId },
      {
        status: 'failed',
        stage: 'failed',
        completedAt: new Date(),
        errorCode: code,
        errorDetail: detail.slice(0, 1000),
      },
    );
  }

  /** The run a client already started with this Idempotency-Key, if any. */
  async findByIdempotencyKey(
    clientId: string,
    idempotencyKey: string,
  ): Promise<{ runId: string; periodId: string } | undefined> {
    const r = await this.ds
      .getRepository(ReconciliationRunEntity)
      .findOne({
        where: { clientId, idempotencyKey },
        select: { runId: true, periodId: true },
      });
    return r ? { runId: r.runId, periodId: r.periodId } : undefined;
  }

  /** Runs a crashed process left behind: they will never finish, so they are marked failed. */
  async failInterrupted(): Promise<number> {
    const result = await this.ds
      .getRepository(ReconciliationRunEntity)
      .createQueryBuilder()
      .update()
      .set({
        status: 'failed',
        stage: 'failed',
        completedAt: () => 'CURRENT_TIMESTAMP',
        errorCode: 'INTERRUPTED',
        errorDetail:
          'the service stopped while the run was in progress; start it again',
      })
      .where('status IN (:...open)', { open: ['queued', 'running'] })
      .execute();
    return result.affected ?? 0;
  }

  /** The run, only within the client it belongs to (another client's run id reads as absent). */
  async get(
    clientId: string,
    runId: string,
  ): Promise<ReconciliationRun | undefined> {
    const r = await this.ds
      .getRepository(ReconciliationRunEntity)
      .findOne({ where: { runId, clientId } });
    if (!r) return undefined;
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
      error: r.errorCode
        ? { code: r.errorCode, detail: r.errorDetail ?? '' }
        : null,
      inputsSha256: r.inputsSha256,
      summary: r.summary
        ? (JSON.parse(r.summary) as ReconciliationSummary)
        : null,
      buckets: r.buckets
        ? (JSON.parse(r.buckets) as ReconciliationBucket[])
        : [],
      artifacts: r.artifacts ? (JSON.parse(r.artifacts) as RunArtifact[]) : [],
    };
  }

  /** Findings after `afterSeq` in run order; the cursor is the last seq returned. */
  async findings(
    runId: string,
    afterSeq: number,
    limit: number,
    kind?: FindingKind,
  ): Promise<{ items: Finding[]; lastSeq: number | null }> {
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
      lastSeq:
        rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
    };
  }
}

export type { FindingPage };
