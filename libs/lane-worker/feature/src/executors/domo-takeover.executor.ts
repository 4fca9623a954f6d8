import { domoComparisonSchema, domoIngestResultSchema } from '@leaf/contracts';
import type { ServiceClient } from '../http/service-client';
import type { TaskContext, TaskExecutor } from '../worker/task-executor';

/**
 * `domo.ingest`: asks domo-takeover for one ingest round over its Domo source (POST
 * /v1/domo/ingest: bronze, silver, gates, promotion) and records the round as the task's artifact.
 * The task's Idempotency-Key is its id, so a retried attempt does not ingest twice (and an export
 * already ingested is replayed, not loaded again).
 */
export class DomoIngestExecutor implements TaskExecutor {
  readonly kind = 'domo.ingest';

  constructor(private readonly domo: ServiceClient) {}

  async run(ctx: TaskContext) {
    await ctx.progress({ step: 'ingesting' });
    const answer = await ctx.span('domo-takeover ingest', { 'leaf.client.id': ctx.clientId }, () =>
      this.domo.call('POST', '/v1/domo/ingest', domoIngestResultSchema, {
        signal: ctx.signal,
        scope: { clientId: ctx.clientId },
        headers: { 'idempotency-key': ctx.taskId },
      }),
    );
    const statuses = answer.body.exports.map((e) => `${e.dataset}:${e.status}`);
    await ctx.progress({ step: 'ingested', exports: statuses });
    const artifact = await ctx.writeArtifact('ingest-result.json', JSON.stringify(answer.body, null, 2), 'application/json');
    return { result: { exports: statuses }, artifacts: [artifact] };
  }
}

/** `domo.compare`: a golden comparison of Domo's promoted output against the curated model (POST /v1/domo/comparisons). */
export class DomoCompareExecutor implements TaskExecutor {
  readonly kind = 'domo.compare';

  constructor(private readonly domo: ServiceClient) {}

  async run(ctx: TaskContext) {
    await ctx.progress({ step: 'comparing' });
    const answer = await ctx.span('domo-takeover compare', { 'leaf.client.id': ctx.clientId }, () =>
      this.domo.call('POST', '/v1/domo/comparisons', domoComparisonSchema, {
        signal: ctx.signal,
        scope: { clientId: ctx.clientId },
        headers: { 'idempotency-key': ctx.taskId },
      }),
    );
    const c = answer.body;
    const artifact = await ctx.writeArtifact('comparison.json', JSON.stringify(c, null, 2), 'application/json');
    return {
      result: {
        comparisonId: c.comparisonId,
        differences: c.summary.differences,
        material: c.summary.material,
        unexplained: c.summary.byReason.unexplained.count,
      },
      artifacts: [artifact],
    };
  }
}
