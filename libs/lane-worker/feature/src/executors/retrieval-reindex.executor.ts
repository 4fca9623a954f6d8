import { reindexResultSchema } from '@leaf/contracts';
import type { ServiceClient } from '../http/service-client';
import type { TaskContext, TaskExecutor } from '../worker/task-executor';

/**
 * `retrieval.reindex`: asks retrieval to rebuild a client's chunks and embeddings from its
 * document registry (POST /v1/search/reindex) and records what it rebuilt as the task's artifact.
 */
export class RetrievalReindexExecutor implements TaskExecutor {
  readonly kind = 'retrieval.reindex';

  constructor(private readonly retrieval: ServiceClient) {}

  async run(ctx: TaskContext) {
    const clientId = String(ctx.parameters['clientId']);
    const module = ctx.parameters['module'];
    const body = typeof module === 'string' ? { clientId, module } : { clientId };
    const answer = await ctx.span('retrieval reindex', { 'leaf.client.id': clientId }, () =>
      this.retrieval.call('POST', '/v1/search/reindex', reindexResultSchema, { body, signal: ctx.signal, scope: { clientId } }),
    );
    const artifact = await ctx.writeArtifact('reindex-result.json', JSON.stringify(answer.body, null, 2), 'application/json');
    return { result: { status: answer.status, reindex: answer.body }, artifacts: [artifact] };
  }
}
