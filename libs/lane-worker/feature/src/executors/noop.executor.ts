import { pause } from '../http/service-client';
import type { TaskExecutor } from '../worker/task-executor';

/** `platform.noop`: waits `sleepMs` (abortably) and records one deterministic artifact. */
export const noopExecutor: TaskExecutor = {
  kind: 'platform.noop',
  async run(ctx) {
    const sleepMs = Number(ctx.parameters['sleepMs'] ?? 0);
    if (sleepMs > 0) await pause(sleepMs, ctx.signal);
    const artifact = await ctx.writeArtifact('noop.json', JSON.stringify({ taskId: ctx.taskId, note: ctx.parameters['note'] ?? '' }), 'application/json');
    return { result: { sleptMs: sleepMs }, artifacts: [artifact] };
  },
};
