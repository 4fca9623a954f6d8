import { reconciliationRunSchema, type ReconciliationRun } from '@leaf/contracts';
import { contentKey, type Lake } from '@leaf/storage';
import { pause, type ServiceClient } from '../http/service-client';
import { TaskError } from '../worker/task-error';
import type { ArtifactRef, TaskContext, TaskExecutor } from '../worker/task-executor';

/**
 * `claims.reconcile`: starts a run on claims-runtime, remembers its id in the ledger (a retry
 * polls that run instead of starting another), polls until it ends, and records the run's
 * artifacts as the task's (the lake is shared: the references are checked there).
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
    let runId = typeof ctx.checkpoint?.['runId'] === 'string' ? (ctx.checkpoint['runId'] as string) : undefined;
    if (!runId) {
      const started = await ctx.span('claims-runtime start reconciliation', { 'leaf.client.id': clientId }, () =>
        this.claims.call('POST', `/v1/clients/${encodeURIComponent(clientId)}/reconciliations`, reconciliationRunSchema, {
          body: { periodId },
          signal: ctx.signal,
          scope: { clientId },
          headers: { 'idempotency-key': ctx.taskId },
        }),
      );
      runId = started.body.runId;
      await ctx.saveCheckpoint({ runId });
      await ctx.progress({ runId, stage: started.body.stage, progress: started.body.progress });
    }
    const run = await ctx.span('claims-runtime await run', { 'leaf.run.id': runId }, () => this.await(ctx, clientId, runId as string));
    if (run.status === 'failed') {
      throw new TaskError(`RECONCILIATION_${run.error?.code ?? 'FAILED'}`, `reconciliation ${run.runId} failed: ${run.error?.detail ?? 'no detail'}`, false);
    }
    const artifacts = await ctx.span('lake verify artifacts', { count: run.artifacts.length }, () => verifyInLake(ctx.lake, run));
    return {
      result: { runId: run.runId, periodId: run.periodId, inputsSha256: run.inputsSha256, summary: run.summary },
      artifacts,
    };
  }

  private async await(ctx: TaskContext, clientId: string, runId: string): Promise<ReconciliationRun> {
    let lastStage = '';
    for (;;) {
      const { body } = await this.claims.call('GET', `/v1/clients/${encodeURIComponent(clientId)}/reconciliations/${encodeURIComponent(runId)}`, reconciliationRunSchema, {
        signal: ctx.signal,
        scope: { clientId },
      });
      if (body.status === 'succeeded' || body.status === 'failed') return body;
      if (body.stage !== lastStage) {
        lastStage = body.stage;
        await ctx.progress({ runId, stage: body.stage, progress: body.progress });
      }
      await pause(this.options.pollMs, ctx.signal);
    }
  }
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
