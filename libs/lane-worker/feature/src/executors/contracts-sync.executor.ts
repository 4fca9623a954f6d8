import { packetSyncResultSchema } from '@leaf/contracts';
import type { ServiceClient } from '../http/service-client';
import type { TaskContext, TaskExecutor } from '../worker/task-executor';

/**
 * `contracts.sync`: asks contract-packets to sync a client's packets (POST /v1/packets/sync) and
 * records what the round did (contract-packets.api.ts) as the task's artifact.
 */
export class ContractsSyncExecutor implements TaskExecutor {
  readonly kind = 'contracts.sync';

  constructor(private readonly packets: ServiceClient) {}

  async run(ctx: TaskContext) {
    const clientId = String(ctx.parameters['clientId']);
    const answer = await ctx.span('contract-packets sync', { 'leaf.client.id': clientId }, () =>
      this.packets.call('POST', '/v1/packets/sync', packetSyncResultSchema, {
        body: { clientId },
        signal: ctx.signal,
        scope: { clientId },
        headers: { 'idempotency-key': ctx.taskId },
      }),
    );
    const artifact = await ctx.writeArtifact('sync-result.json', JSON.stringify(answer.body, null, 2), 'application/json');
    return { result: { status: answer.status, sync: answer.body }, artifacts: [artifact] };
  }
}
