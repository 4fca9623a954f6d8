import { randomUUID } from 'node:crypto';
import { reconciliationRunSchema, type ReconciliationRun } from '@leaf/contracts';
import type { Command } from '../leaf-cli.args';
import { NetworkError, OperationError } from '../leaf-cli.errors';
import { formatBytes, formatDuration, formatMoney } from '../output.format';
import { ProgressReporter } from '../progress.reporter';
import { printJson, segment, type CommandContext } from './command.context';

export const runPath = (clientId: string, runId?: string) => `/v1/clients/${segment(clientId)}/reconciliations${runId ? `/${segment(runId)}` : ''}`;
/** `running aggregating claims`, but `queued` rather than `queued queued`. */
const stageOf = (run: ReconciliationRun) => (run.stage === run.status ? run.status : `${run.status} ${run.stage}`);
const ended = (run: ReconciliationRun) => run.status === 'succeeded' || run.status === 'failed';

/**
 * `reconcile start`: one POST under an Idempotency-Key (generated unless given, and printed, so
 * a start whose answer was lost can be repeated without starting a second run), then the wait.
 */
export async function startReconciliation(ctx: CommandContext, cmd: Extract<Command, { name: 'reconcile start' }>): Promise<void> {
  const key = cmd.idempotencyKey ?? `leaf-cli-${randomUUID()}`;
  let answer;
  try {
    answer = await ctx.api.post(runPath(cmd.clientId), { periodId: cmd.periodId }, reconciliationRunSchema, key);
  } catch (e) {
    if (e instanceof NetworkError) ctx.io.err(`the start may have arrived: repeat it with --idempotency-key ${key} to get that run rather than a second one\n`);
    throw e;
  }
  const run = answer.body;
  const again = answer.headers.get('idempotent-replayed') === 'true';
  ctx.io.err(`${again ? 'already started' : 'started'}: run ${run.runId} for ${run.clientId} ${run.periodId} (Idempotency-Key ${key})\n`);
  await finish(ctx, cmd.wait ? await waitForRun(ctx, run.clientId, run.runId, cmd.timeoutMs, run) : run, cmd.wait);
}

/** `reconcile wait`: the run until it ends; exit 1 when it failed. */
export async function waitReconciliation(ctx: CommandContext, cmd: Extract<Command, { name: 'reconcile wait' }>): Promise<void> {
  await finish(ctx, await waitForRun(ctx, cmd.clientId, cmd.runId, cmd.timeoutMs), true);
}

/** `reconcile show`: the run as it stands (exit 0 whatever its status: showing it worked). */
export async function showReconciliation(ctx: CommandContext, cmd: Extract<Command, { name: 'reconcile show' }>): Promise<void> {
  await finish(ctx, (await ctx.api.get(runPath(cmd.clientId, cmd.runId), reconciliationRunSchema)).body, false);
}

/** Polls until the run has ended, drawing its progress; past the timeout the run goes on and the CLI says how to wait again. */
export async function waitForRun(
  ctx: CommandContext,
  clientId: string,
  runId: string,
  timeoutMs: number,
  first?: ReconciliationRun,
): Promise<ReconciliationRun> {
  const deadline = ctx.now() + timeoutMs;
  const progress = new ProgressReporter(ctx.io, runId, ctx.now);
  try {
    let run = first ?? (await ctx.api.get(runPath(clientId, runId), reconciliationRunSchema)).body;
    while (!ended(run)) {
      progress.update(run.progress, stageOf(run));
      if (ctx.now() >= deadline) {
        throw new OperationError(
          'TIMEOUT',
          `run ${runId} is still ${run.status} after ${formatDuration(timeoutMs)}; it goes on: npm run leaf -- reconcile wait --client ${clientId} --run ${runId}`,
        );
      }
      await ctx.sleep(ctx.pollMs);
      run = (await ctx.api.get(runPath(clientId, runId), reconciliationRunSchema)).body;
    }
    progress.update(run.status === 'succeeded' ? 1 : run.progress, stageOf(run));
    return run;
  } finally {
    progress.done();
  }
}

async function finish(ctx: CommandContext, run: ReconciliationRun, failIfFailed: boolean): Promise<void> {
  if (ctx.json) printJson(ctx, run);
  else ctx.io.out(describeRun(run));
  if (failIfFailed && run.status === 'failed') {
    throw new OperationError('RUN_FAILED', `run ${run.runId} ${run.error ? `${run.error.code}: ${run.error.detail}` : 'failed without an error recorded'}`);
  }
}

/** The run for people: what it found, what it wrote, and what to do next. */
export function describeRun(run: ReconciliationRun): string {
  const lines = [`run ${run.runId}  ${run.status}  ${run.clientId} ${run.periodId}  (stage ${run.stage}, ${Math.floor(run.progress * 100)}%)`];
  const s = run.summary;
  if (s) {
    lines.push(`  claims ${s.claimCount} (eligible ${s.eligibleClaimCount}, excluded ${s.excludedClaimCount})  AWP ${formatMoney(s.totalAwp)}`);
    lines.push(
      `  guarantee shortfall ${formatMoney(s.guaranteeShortfall)}  audit impact ${formatMoney(s.auditImpact)}  total owed ${formatMoney(s.totalOwed)}`,
    );
  }
  if (run.buckets.length) lines.push(`  buckets ${run.buckets.length}`);
  for (const a of run.artifacts) lines.push(`  artifact ${a.name}  ${formatBytes(a.bytes)}  sha256 ${a.sha256}`);
  if (run.supersededBy)
    lines.push(`  superseded: packet ${run.supersededBy.packetId} promoted newer terms at ${run.supersededBy.at}; start a new run for them`);
  if (run.error) lines.push(`  error ${run.error.code}: ${run.error.detail}`);
  if (run.status === 'succeeded') {
    const ids = `--client ${run.clientId} --run ${run.runId}`;
    lines.push(`next: npm run leaf -- findings list ${ids}`, `      npm run leaf -- artifacts download ${ids}`);
  }
  return `${lines.join('\n')}\n`;
}
