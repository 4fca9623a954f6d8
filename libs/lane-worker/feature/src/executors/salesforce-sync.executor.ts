import { salesforceSyncResultSchema } from '@leaf/contracts';
import type { ServiceClient } from '../http/service-client';
import type { TaskContext, TaskExecutor } from '../worker/task-executor';

/**
 * `salesforce.sync`: asks salesforce-mirror to sync the org (POST /v1/salesforce/sync) and records
 * what the sync did (salesforce-mirror.api.ts) as the task's artifact.
 */
export class SalesforceSyncExecutor implements TaskExecutor {
  readonly kind = 'salesforce.sync';

  constructor(private readonly mirror: ServiceClient) {}

  async run(ctx: TaskContext) {
    const clientId = String(ctx.parameters['clientId']);
    const full = ctx.parameters['full'] === true;
    const answer = await ctx.span('salesforce-mirror sync', { 'leaf.client.id': clientId, 'leaf.salesforce.full': full }, () =>
      this.mirror.call('POST', '/v1/salesforce/sync', salesforceSyncResultSchema, {
        body: { full },
        signal: ctx.signal,
        scope: { clientId },
        headers: { 'idempotency-key': ctx.taskId },
      }),
    );
    const artifact = await ctx.writeArtifact('sync-result.json', JSON.stringify(answer.body, null, 2), 'application/json');
    return { result: { status: answer.status, sync: answer.body }, artifacts: [artifact] };
  }
}
