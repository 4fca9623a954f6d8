import { LeafApi } from './leaf-api.client';
import { helpText, parseLeafArgs, type Command } from './leaf-cli.args';
import { redact, resolveToken } from './leaf-cli.auth';
import { CliError, exitCodes, isCliError, type ExitCode } from './leaf-cli.errors';
import type { CliIo } from './progress.reporter';
import { downloadArtifacts } from './commands/artifacts.command';
import { listClients } from './commands/clients.command';
import type { CommandContext } from './commands/command.context';
import { listFindings } from './commands/findings.command';
import { decidePacket, listPackets, showPacket } from './commands/packets.command';
import { showReconciliation, startReconciliation, waitReconciliation } from './commands/reconcile.command';
import { createTask, followTaskCommand, listTasks, showTask } from './commands/tasks.command';

export interface CliRuntime {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
}

function dispatch(ctx: CommandContext, command: Exclude<Command, { name: 'help' }>): Promise<void> {
  switch (command.name) {
    case 'clients list':
      return listClients(ctx);
    case 'reconcile start':
      return startReconciliation(ctx, command);
    case 'reconcile show':
      return showReconciliation(ctx, command);
    case 'reconcile wait':
      return waitReconciliation(ctx, command);
    case 'artifacts download':
      return downloadArtifacts(ctx, command);
    case 'findings list':
      return listFindings(ctx, command);
    case 'tasks create':
      return createTask(ctx, command);
    case 'tasks follow':
      return followTaskCommand(ctx, command);
    case 'tasks show':
      return showTask(ctx, command);
    case 'tasks list':
      return listTasks(ctx, command);
    case 'packets list':
      return listPackets(ctx, command);
    case 'packets show':
      return showPacket(ctx, command);
    case 'packets approve':
    case 'packets reject':
      return decidePacket(ctx, command);
  }
}

/** Anything else that went wrong (a folder that cannot be written, …), still as one line. */
function unexpected(e: unknown): CliError {
  const errno = e as NodeJS.ErrnoException;
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  return new CliError(exitCodes.failed, typeof errno?.code === 'string' && errno.syscall ? `${errno.code}: ${message}` : `INTERNAL: ${message}`);
}

/**
 * Runs one invocation and returns its exit code. Every failure ends here as one line on stderr:
 * `error <status> <code>: <detail>` for the API's problems, `error usage: …`, `error network: …`,
 * `error <CODE>: …` for a failed operation; never a stack trace, never the token.
 */
export async function runLeafCli(argv: readonly string[], runtime: CliRuntime): Promise<ExitCode> {
  let token: string | undefined;
  try {
    const { global, command } = parseLeafArgs(argv, runtime.env);
    if (command.name === 'help') {
      runtime.io.out(`${helpText(command.topic)}\n`);
      return exitCodes.ok;
    }
    token = resolveToken(global.token);
    const sleep = runtime.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const api = new LeafApi({
      baseUrl: global.baseUrl,
      token,
      fetch: runtime.fetch,
      sleep,
    });
    await dispatch(
      {
        api,
        io: runtime.io,
        json: global.json,
        now: runtime.now ?? Date.now,
        sleep,
        pollMs: runtime.pollMs ?? 500,
      },
      command,
    );
    return exitCodes.ok;
  } catch (e) {
    const error = isCliError(e) ? e : unexpected(e);
    let line = `error ${redact(error.line, token)}`;
    if (error.exitCode === exitCodes.auth && token === undefined) line += ' (no token was sent: give --token, --token-file or LEAF_TOKEN)';
    runtime.io.err(`${line}\n`);
    if (error.exitCode === exitCodes.usage) runtime.io.err('see: npm run leaf -- help\n');
    return error.exitCode;
  }
}
