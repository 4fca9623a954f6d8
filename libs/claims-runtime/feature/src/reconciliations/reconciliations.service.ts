import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import {
  ClientsRepository,
  GuaranteesRepository,
  ReconciliationRunsRepository,
  claimsSourceMappingSchema,
  isClaimsSourceError,
  isReconciliationRunError,
  type ClaimsSourceMapping,
} from '@leaf/claims-runtime/data-access';
import type { ArtifactName, FindingPage, FindingsQuery, ReconciliationRun } from '@leaf/contracts';
import { OutboxRelayHost } from '@leaf/service-kit';
import { DATA_SOURCE } from '@leaf/persistence';
import { AppError, ShutdownCoordinator } from '@leaf/platform';
import { LAKE, contentKey, type Lake } from '@leaf/storage';
import { CLAIMS_DB, CLAIMS_MAPPING, RUN_LEASE_TIMING } from '../claims-runtime.tokens';
import { ReconciliationExecutor } from './reconciliation-executor';
import { RunLeaseKeeper, type RunLeaseTiming } from './run-lease-keeper';
import { REPORT_RENDERERS, type ReportRenderers } from './report-renderers';
import { newRunId } from './run-id';
import { RunsReadModel } from './runs.read-model';

/**
 * Starts runs (validating everything first, so bad input writes nothing), executes them in the
 * background under this instance's lease (see RunLeaseKeeper), and serves their state, findings
 * and artifacts, always within one client.
 */
@Injectable()
export class ReconciliationsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runs: ReconciliationRunsRepository;
  private readonly clients: ClientsRepository;
  private readonly guarantees: GuaranteesRepository;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly executor: ReconciliationExecutor;
  private readonly leases: RunLeaseKeeper;
  private readonly log = new Logger('Reconciliations');

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLAIMS_DB) claimsDb: DataSource,
    @Inject(CLAIMS_MAPPING) private readonly mapping: ClaimsSourceMapping,
    @Inject(LAKE) private readonly lake: Lake,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    @Inject(REPORT_RENDERERS) renderers: ReportRenderers,
    @Inject(RUN_LEASE_TIMING) leaseTiming: RunLeaseTiming,
    shutdown: ShutdownCoordinator,
    @Inject(RunsReadModel) private readonly readModel: RunsReadModel,
  ) {
    this.runs = new ReconciliationRunsRepository(ds);
    this.leases = new RunLeaseKeeper(this.runs, leaseTiming);
    this.clients = new ClientsRepository(ds);
    this.guarantees = new GuaranteesRepository(ds);
    this.executor = new ReconciliationExecutor({
      ownerId: this.leases.owner.ownerId,
      serviceDb: ds,
      claimsDb,
      lake,
      renderers,
      onCommitted: () => this.relay.notify(),
    });
    // SIGTERM waits for runs in progress (within the grace period) rather than leaving them half done.
    shutdown.onDrain({
      name: 'reconciliations',
      drain: () => Promise.allSettled([...this.inFlight]).then(() => undefined),
    });
  }

  /** Fails only the runs whose lease expired: other instances' live runs are left alone. */
  async onApplicationBootstrap(): Promise<void> {
    await this.leases.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.leases.stop();
  }

  async start(clientId: string, periodId: string, requestedBy: string, mappingOverride?: unknown, idempotencyKey?: string): Promise<ReconciliationRun> {
    // A retried start (a lane-worker attempt, a client's timeout) returns the run it already made.
    const repeated = idempotencyKey ? await this.repeatedStart(clientId, periodId, idempotencyKey) : undefined;
    if (repeated) return repeated;
    const mapping = mappingOverride === undefined ? this.mapping : parseMapping(mappingOverride);
    const period = await this.clients.period(clientId, periodId);
    if (!period) {
      if (!(await this.clients.exists(clientId))) throw new AppError('NOT_FOUND', `no client ${clientId}`);
      throw new AppError('VALIDATION_FAILED', `client ${clientId} has no contract period ${periodId}`, {
        errors: [
          {
            path: 'periodId',
            message: 'unknown contract period for this client',
          },
        ],
      });
    }
    const terms = await this.guarantees.versionsForPeriod(clientId, periodId);
    if (!terms.length) {
      throw new AppError('VALIDATION_FAILED', `contract period ${periodId} has no guarantees to reconcile against`, {
        errors: [{ path: 'periodId', message: 'period has no contract guarantees' }],
      });
    }
    const runId = newRunId();
    try {
      await this.runs.create({ runId, clientId, periodId, requestedBy, idempotencyKey }, this.leases.owner);
    } catch (error) {
      // Two starts with one key raced: the other one's insert won, its run is the answer.
      const winner = idempotencyKey ? await this.repeatedStart(clientId, periodId, idempotencyKey) : undefined;
      if (winner) return winner;
      throw error;
    }
    const signal = this.leases.hold(runId);
    const work = this.executor
      .execute(
        {
          runId,
          clientId,
          clientName: period.clientName,
          periodId,
          periodStart: period.startDate,
          periodEnd: period.endDate,
          pbmName: period.pbmName,
          mapping,
        },
        terms,
        signal,
      )
      .catch(async (error: unknown) => {
        if (isReconciliationRunError(error, 'RUN_NOT_OWNED') || signal.aborted) {
          // Another instance failed the run after its lease expired: it is not ours to record.
          this.log.warn({ msg: "reconciliation stopped: the run is no longer this instance's", runId });
          return;
        }
        const code = isClaimsSourceError(error) ? error.code : 'RECONCILIATION_FAILED';
        this.log.error({ msg: 'reconciliation failed', err: error, runId });
        const recorded = await this.runs
          .fail(
            runId,
            this.leases.owner.ownerId,
            code,
            isClaimsSourceError(error) ? error.message : 'the reconciliation failed; see the service log for this run id',
          )
          .catch((e: unknown) => {
            this.log.error({ msg: 'could not record the failure', err: e, runId });
            return true;
          });
        if (!recorded) this.log.warn({ msg: "the failure was not recorded: the run is no longer this instance's", runId });
      })
      .finally(() => this.leases.release(runId));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return this.get(clientId, runId);
  }

  private async repeatedStart(clientId: string, periodId: string, idempotencyKey: string): Promise<ReconciliationRun | undefined> {
    const existing = await this.runs.findByIdempotencyKey(clientId, idempotencyKey);
    if (!existing) return undefined;
    if (existing.periodId !== periodId) {
      throw new AppError('CONFLICT', 'this Idempotency-Key already started a run for another contract period');
    }
    return this.get(clientId, existing.runId);
  }

  async get(clientId: string, runId: string): Promise<ReconciliationRun> {
    const run = await this.readModel.get(clientId, runId);
    if (!run) throw new AppError('NOT_FOUND', `no reconciliation run ${runId} for client ${clientId}`);
    return run;
  }

  async findings(clientId: string, runId: string, query: FindingsQuery): Promise<FindingPage> {
    await this.get(clientId, runId);
    const after = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const page = await this.runs.findings(runId, after, query.limit, query.kind);
    return {
      items: page.items,
      nextCursor: page.lastSeq === null ? null : encodeCursor(page.lastSeq),
    };
  }

  async artifact(
    clientId: string,
    runId: string,
    name: ArtifactName,
  ): Promise<{
    stream: Readable;
    contentType: string;
    bytes: number;
    sha256: string;
  }> {
    const run = await this.get(clientId, runId);
    const artifact = run.artifacts.find((a) => a.name === name);
    if (!artifact) throw new AppError('NOT_FOUND', `run ${runId} has no artifact ${name}${run.status === 'succeeded' ? '' : ' yet'}`);
    const key = contentKey('artifacts', artifact.sha256);
    return {
      stream: await this.lake.open(key),
      contentType: artifact.contentType,
      bytes: artifact.bytes,
      sha256: artifact.sha256,
    };
  }

  /** Resolves when every run started so far has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}

function parseMapping(value: unknown): ClaimsSourceMapping {
  const parsed = claimsSourceMappingSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', 'the claims source mapping is malformed', {
    errors: parsed.error.issues.map((i) => ({
      path: ['sourceMapping', ...i.path].join('.'),
      message: i.message,
    })),
  });
}

const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned', { errors: [{ path: 'cursor', message: 'invalid cursor' }] });
  return Number(match[1]);
}
