import { reconciliationInterruptedCode, reconciliationRunSchema, type ReconciliationRun } from '@leaf/contracts';
import { contentKey, type Lake } from '@leaf/storage';
import { pause, type ServiceClient } from '../http/service-client';
import { TaskError } from '../worker/task-error';
import type { ArtifactRef, TaskContext, TaskExecutor } from '../worker/task-executor';

/** The Idempotency-Key of the run an attempt starts: one run per task and attempt, however often its POST is retried. */
export const reconciliationRunKey = (taskId: string, attempt: number): string => `${taskId}.${attempt}`;

/** What the ledger remembers across attempts: the key of the run being started, then its id. */
interface RunCheckpoint {
  runKey?: string;
  runId?: string;
}

/**
 * `claims.reconcile`: starts a run on claims-runtime, remembers its key and id in the ledger (a
 * retry follows that run instead of starting another), polls until it ends, and records the run's
 * artifacts as the task's (the lake is shared: the references are checked there).
 *
 * A run failed as interrupted (its claims-runtime instance crashed or stalled past its lease) says
 * nothing about its inputs, so a new run is started under this attempt's key; if this attempt's
 * own run was the one interrupted, the attempt fails as retryable and the next one starts it. So
 * every attempt starts at most one run and the task's attempt budget bounds them all. Any other
 * failed run (bad inputs, a failed query) fails the task: another run would fail the same way.
 */
export class ClaimsReconcileExecutor implements TaskExecutor {
  readonly kind = 'claims.reconcile';

  constructor(
    private readonly claims: ServiceClient,
    private readonly options: { pollMs: number },
  ) {}

  async run(ctx: TaskContext) {
    const clientId = String(ctx.parameters['clientId']);
    const periodId = String(ctx.parameters['periodId']);
    const ownKey = reconciliationRunKey(ctx.taskId, ctx.attempt);
    let checkpoint = readCheckpoint(ctx.checkpoint);
    // The key is recorded before the POST: an attempt that dies between the two finds its run again.
    if (!checkpoint.runKey && !checkpoint.runId) checkpoint = await remember(ctx, { runKey: ownKey });
    for (;;) {
      if (!checkpoint.runId) {
        const runKey = checkpoint.runKey ?? ownKey;
        const started = await ctx.span('claims-runtime start reconciliation', { 'leaf.client.id': clientId }, () =>
          this.claims.call('POST', `/v1/clients/${encodeURIComponent(clientId)}/reconciliations`, reconciliationRunSchema, {
            body: { periodId },
            signal: ctx.signal,
            scope: { clientId },
            headers: { 'idempotency-key': runKey },
          }),
        );
        checkpoint = await remember(ctx, { runKey, runId: started.body.runId });
        await ctx.progress({ runId: started.body.runId, stage: started.body.stage, progress: started.body.progress });
      }
      const runId = checkpoint.runId as string;
      const run = await ctx.span('claims-runtime await run', { 'leaf.run.id': runId }, () => this.await(ctx, clientId, runId));
      if (run.status === 'failed' && run.error?.code === reconciliationInterruptedCode) {
        if (checkpoint.runKey === ownKey) {
          throw new TaskError(
            'RECONCILIATION_INTERRUPTED',
            `reconciliation ${runId} was interrupted (its claims-runtime instance stopped); the next attempt starts a new run`,
            true,
          );
        }
        await ctx.progress({ runId, interrupted: true, detail: 'its claims-runtime instance stopped; starting a new run' });
        checkpoint = await remember(ctx, { runKey: ownKey });
        continue;
      }
      if (run.status === 'failed') {
        throw new TaskError(`RECONCILIATION_${run.error?.code ?? 'FAILED'}`, `reconciliation ${run.runId} failed: ${run.error?.detail ?? 'no detail'}`, false);
      }
      const artifacts = await ctx.span('lake verify artifacts', { count: run.artifacts.length }, () => verifyInLake(ctx.lake, run));
      return {
        result: { runId: run.runId, periodId: run.periodId, inputsSha256: run.inputsSha256, summary: run.summary },
        artifacts,
      };
    }
  }

  private async await(ctx: TaskContext, clientId: string, runId: string): Promise<ReconciliationRun> {
    let lastStage = '';
    for (;;) {
      const { body } = await this.claims.call(
        'GET',
        `/v1/clients/${encodeURIComponent(clientId)}/reconciliations/${encodeURIComponent(runId)}`,
        reconciliationRunSchema,
        {
          signal: ctx.signal,
          scope: { clientId },
        },
      );
      if (body.status === 'succeeded' || body.status === 'failed') return body;
      if (body.stage !== lastStage) {
        lastStage = body.stage;
        await ctx.progress({ runId, stage: body.stage, progress: body.progress });
      }
      await pause(this.options.pollMs, ctx.signal);
    }
  }
}

/** A checkpoint from any earlier attempt, including one that recorded only `{ runId }`. */
function readCheckpoint(raw: Record<string, unknown> | null): RunCheckpoint {
  const text = (key: string) => (typeof raw?.[key] === 'string' ? (raw[key] as string) : undefined);
  return { runKey: text('runKey'), runId: text('runId') };
}

async function remember(ctx: TaskContext, checkpoint: RunCheckpoint): Promise<RunCheckpoint> {
  await ctx.saveCheckpoint({ ...checkpoint });
  return checkpoint;
}

/** The run's artifacts as task artifacts: each must be in the shared lake under its sha256. */
async function verifyInLake(lake: Lake, run: ReconciliationRun): Promise<ArtifactRef[]> {
  const refs: ArtifactRef[] = [];
  for (const a of run.artifacts) {
    const found = await findBySha(lake, a.sha256);
    if (!found) throw new TaskError('ARTIFACT_MISSING', `artifact ${a.name} (${a.sha256}) of run ${run.runId} is not in the lake`, true);
    refs.push({ name: a.name, sha256: a.sha256, bytes: a.bytes, contentType: a.contentType, lakeKey: found });
  }
  return refs;
}

/** claims-runtime stores its outputs content-addressed in the `artifacts` area. */
async function findBySha(lake: Lake, sha256: string): Promise<string | undefined> {
  const key = contentKey('artifacts', sha256);
  return (await lake.stat(key)) ? key : undefined;
}
