import { reconciliationRunSchema } from '@leaf/contracts';
import type { ServiceClient } from '../http/service-client';
import type { AzureOpenAiClient } from '../narrative/azure-openai.client';
import { runFigures } from '../narrative/narrative-figures';
import { templateNarrative } from '../narrative/narrative-template';
import { checkNumbers } from '../narrative/number-guardrail';
import { TaskError } from '../worker/task-error';
import type { TaskContext, TaskExecutor } from '../worker/task-executor';

const system =
  'You write short plain-English narratives of pharmacy-benefit contract reconciliations for finance readers. ' +
  'Use only the figures you are given, written exactly as given. Do not compute, round or invent any number, date or count; do not number lists.';

/**
 * `report.narrative`: the model drafts, the guardrail checks every number in the draft against
 * the run's computed figures, and anything that does not pass (or no model configured, or a
 * model error) falls back to the deterministic template. Which path was taken is recorded.
 */
export class ReportNarrativeExecutor implements TaskExecutor {
  readonly kind = 'report.narrative';

  constructor(
    private readonly claims: ServiceClient,
    private readonly model: AzureOpenAiClient | undefined,
  ) {}

  async run(ctx: TaskContext) {
    const clientId = String(ctx.parameters['clientId']);
    const runId = String(ctx.parameters['runId']);
    const { body: run } = await ctx.span('claims-runtime get run', { 'leaf.run.id': runId }, () =>
      this.claims.call('GET', `/v1/clients/${encodeURIComponent(clientId)}/reconciliations/${encodeURIComponent(runId)}`, reconciliationRunSchema, {
        signal: ctx.signal,
        scope: { clientId },
      }),
    );
    if (run.status !== 'succeeded') throw new TaskError('RUN_NOT_FINISHED', `reconciliation ${runId} is ${run.status}; narrate a succeeded run`, false);
    const figures = runFigures(run);
    const template = templateNarrative(run);
    let path: 'model' | 'template' = 'template';
    let reason = 'no model configured';
    let text = template;
    let unmatched: string[] = [];
    if (this.model) {
      const model = this.model;
      try {
        const draft = await ctx.span('azure-openai draft', { deployment: model.deployment }, () =>
          model.complete(system, `Figures (label: value):\n${figures.map((f) => `${f.label}: ${f.text}`).join('\n')}\n\nWrite the narrative.`, ctx.signal),
        );
        const verdict = checkNumbers(draft, figures);
        unmatched = verdict.unmatched;
        if (verdict.ok && draft.trim().length > 0) {
          path = 'model';
          reason = 'every number in the draft matches a computed figure';
          text = draft.trim() + '\n';
        } else {
          reason = verdict.ok ? 'the model returned an empty draft' : `numbers not among the computed figures: ${verdict.unmatched.join(', ')}`;
        }
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        reason = `model call failed: ${error instanceof Error ? error.message : 'unknown error'}`;
      }
    }
    await ctx.progress({ narrativePath: path, reason });
    const narrative = await ctx.writeArtifact('narrative.md', text, 'text/markdown; charset=utf-8');
    const record = await ctx.writeArtifact(
      'narrative-figures.json',
      JSON.stringify({ runId, inputsSha256: run.inputsSha256, path, figures }, null, 2),
      'application/json',
    );
    return { result: { runId, path, reason, unmatched }, artifacts: [narrative, record] };
  }
}
