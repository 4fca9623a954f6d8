import { randomUUID } from 'node:crypto';
import { taskDetailSchema, taskHistoryEventSchema, type TaskDetail, type TaskHistoryEvent, type TaskSummary } from '@leaf/contracts';
import type { Command } from '../leaf-cli.args';
import { linkedTaskListSchema, taskStreamEndSchema } from '../leaf-api.schemas';
import { NetworkError, OperationError, isCliError } from '../leaf-cli.errors';
import { formatBytes, formatDetail, formatDuration, formatTable } from '../output.format';
import { ProgressReporter } from '../progress.reporter';
import { SseParser } from '../sse.parser';
import { printJson, segment, type CommandContext } from './command.context';
import { pages } from './paging';

const taskPath = (taskId: string, rest = '') => `/v1/tasks/${segment(taskId)}${rest}`;
/** Reconnects in a row that bring no event before the CLI gives up on the stream. */
const maxBarrenReconnects = 5;

/** `tasks create`: POST under an Idempotency-Key (generated unless given), then follow it to its end. */
export async function createTask(ctx: CommandContext, cmd: Extract<Command, { name: 'tasks create' }>): Promise<void> {
  const key = cmd.idempotencyKey ?? `leaf-cli-${randomUUID()}`;
  let answer;
  try {
    answer = await ctx.api.post('/v1/tasks', cmd.body, taskDetailSchema, key);
  } catch (e) {
    if (e instanceof NetworkError)
      ctx.io.err(`the task may have been created: repeat with --idempotency-key ${key} to get that task rather than a second one\n`);
    throw e;
  }
  const task = answer.body;
  ctx.io.err(
    `${answer.status === 201 ? 'created' : 'already created'}: task ${task.taskId} ${task.kind} for ${task.clientId}, ${task.status} (Idempotency-Key ${key})\n`,
  );
  if (task.status === 'blocked') ctx.io.err(`blocked until another operator approves it: ${task.policy.reason}\n`);
  if (!cmd.follow) return finishTask(ctx, task, false);
  finishTask(ctx, await followTask(ctx, task.taskId, cmd.timeoutMs), true);
}

/** `tasks follow`: the task's events until it ends; exit 1 unless it succeeded. */
export async function followTaskCommand(ctx: CommandContext, cmd: Extract<Command, { name: 'tasks follow' }>): Promise<void> {
  finishTask(ctx, await followTask(ctx, cmd.taskId, cmd.timeoutMs), true);
}

export async function showTask(ctx: CommandContext, cmd: Extract<Command, { name: 'tasks show' }>): Promise<void> {
  finishTask(ctx, (await ctx.api.get(taskPath(cmd.taskId), taskDetailSchema)).body, false);
}

/** `tasks list`: newest first, following `nextLink` until --limit tasks. */
export async function listTasks(ctx: CommandContext, cmd: Extract<Command, { name: 'tasks list' }>): Promise<void> {
  const query = new URLSearchParams({
    limit: String(Math.min(cmd.limit, 200)),
  });
  if (cmd.clientId) query.set('clientId', cmd.clientId);
  if (cmd.status) query.set('status', cmd.status);
  if (cmd.kind) query.set('kind', cmd.kind);
  const items: TaskSummary[] = [];
  for await (const page of pages(ctx, `/v1/tasks?${query}`, linkedTaskListSchema)) {
    items.push(...page);
    if (items.length >= cmd.limit) break;
  }
  const shown = items.slice(0, cmd.limit);
  if (ctx.json) return printJson(ctx, { items: shown });
  if (shown.length === 0) return ctx.io.out('no tasks\n');
  ctx.io.out(
    formatTable(shown, [
      { header: 'TASK', value: (t) => t.taskId },
      { header: 'KIND', value: (t) => t.kind },
      { header: 'CLIENT', value: (t) => t.clientId },
      { header: 'STATUS', value: (t) => t.status },
      { header: 'ATTEMPTS', value: (t) => t.attempts, align: 'right' },
      { header: 'CREATED', value: (t) => t.createdAt },
      { header: 'FINISHED', value: (t) => t.finishedAt },
    ]),
  );
}

/**
 * Reads the task's SSE stream (`GET /v1/tasks/{id}/events`) until its `end` event. A stream cut
 * before that is opened again with Last-Event-ID, so no event is shown twice or lost.
 */
export async function followTask(ctx: CommandContext, taskId: string, timeoutMs: number): Promise<TaskDetail> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new OperationError('TIMEOUT', `task ${taskId} has not ended after ${formatDuration(timeoutMs)}; it goes on: npm run leaf -- tasks follow ${taskId}`),
      ),
    timeoutMs,
  );
  const progress = new ProgressReporter(ctx.io, taskId, ctx.now);
  let lastEventId: string | undefined;
  let barren = 0;
  try {
    for (;;) {
      const before = lastEventId;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const res = await ctx.api.open(taskPath(taskId, '/events'), headers, deadline.signal);
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for await (const chunk of res.body ?? []) {
          for (const event of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
            if (event.event === 'end') {
              parseEvent(taskStreamEndSchema, event.data);
              return (await ctx.api.get(taskPath(taskId), taskDetailSchema)).body;
            }
            if (event.id !== undefined) lastEventId = event.id;
            show(progress, parseEvent(taskHistoryEventSchema, event.data));
          }
        }
      } catch (e) {
        if (deadline.signal.aborted) throw deadline.signal.reason;
        // A refused token, a vanished task, an answer off contract: reconnecting will not help.
        if (isCliError(e) && !(e instanceof NetworkError)) throw e;
      }
      barren = lastEventId === before ? barren + 1 : 0;
      if (barren > maxBarrenReconnects) throw new NetworkError(`the event stream of ${taskId} keeps ending before the task does`);
      await ctx.sleep(Math.min(500 * 2 ** barren, 5_000));
    }
  } finally {
    clearTimeout(timer);
    progress.done();
  }
}

function parseEvent<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false };
  },
  data: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OperationError('INVALID_ANSWER', 'a task event is off its contract');
  return parsed.data;
}

/** A progress entry with a fraction moves the bar; every other entry is a line of its own. */
function show(progress: ProgressReporter, e: TaskHistoryEvent): void {
  const fraction = e.detail['progress'];
  if (e.type === 'progress' && typeof fraction === 'number') {
    progress.update(fraction, typeof e.detail['stage'] === 'string' ? e.detail['stage'] : '');
    return;
  }
  progress.line(`#${e.seq} ${e.type} (${e.status}, attempt ${e.attempt}, ${e.actor}) ${formatDetail(e.detail)}`.trimEnd());
}

function finishTask(ctx: CommandContext, task: TaskDetail, failUnlessSucceeded: boolean): void {
  if (ctx.json) printJson(ctx, task);
  else ctx.io.out(describeTask(task));
  if (failUnlessSucceeded && task.status !== 'succeeded') {
    throw new OperationError('TASK_FAILED', `task ${task.taskId} ${task.status}${task.error ? ` ${task.error.code}: ${task.error.detail}` : ''}`);
  }
}

export function describeTask(t: TaskDetail): string {
  const lines = [
    `task ${t.taskId}  ${t.status}  ${t.kind}  ${t.clientId}  attempts ${t.attempts}/${t.maxAttempts}`,
    `  requested by ${t.requestedBy} at ${t.createdAt}${t.finishedAt ? `, finished ${t.finishedAt}` : ''}`,
    `  policy ${t.policy.decision}: ${t.policy.reason}${t.policy.approvedBy ? ` (approved by ${t.policy.approvedBy})` : ''}`,
  ];
  for (const b of t.blockers) lines.push(`  blocker ${b.code}: ${b.detail} (since ${b.since})`);
  for (const a of t.artifacts) lines.push(`  artifact ${a.name}  ${formatBytes(a.bytes)}  sha256 ${a.sha256}`);
  if (t.result) lines.push(`  result ${formatDetail(t.result, 400)}`);
  if (t.error) lines.push(`  error ${t.error.code}: ${t.error.detail}`);
  return `${lines.join('\n')}\n`;
}
