import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  artifactNameSchema,
  clientIdSchema,
  createTaskSchema,
  findingKindSchema,
  packetIdSchema,
  packetRejectBodySchema,
  runIdSchema,
  startReconciliationSchema,
  taskIdSchema,
  taskKindNameSchema,
  taskStatusSchema,
  packetStatusSchema,
  type ArtifactName,
  type CreateTask,
  type FindingKind,
  type TaskStatus,
} from '@leaf/contracts';
import type { z } from 'zod';
import { UsageError } from './leaf-cli.errors';

export const defaultBaseUrl = 'http://127.0.0.1:3000';
const defaultTimeoutSeconds = 30 * 60;

/** Where the bearer token comes from, in this order: --token, --token-file, LEAF_TOKEN. */
export type TokenSource = { kind: 'flag'; value: string } | { kind: 'file'; path: string } | { kind: 'env'; value: string } | { kind: 'none' };

export interface GlobalOptions {
  baseUrl: URL;
  json: boolean;
  token: TokenSource;
}

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'clients list' }
  | {
      name: 'reconcile start';
      clientId: string;
      periodId: string;
      idempotencyKey?: string;
      wait: boolean;
      timeoutMs: number;
    }
  | { name: 'reconcile show'; clientId: string; runId: string }
  | {
      name: 'reconcile wait';
      clientId: string;
      runId: string;
      timeoutMs: number;
    }
  | {
      name: 'artifacts download';
      clientId: string;
      runId: string;
      out: string;
      names?: ArtifactName[];
    }
  | {
      name: 'findings list';
      clientId: string;
      runId: string;
      kind?: FindingKind;
      format: 'table' | 'csv';
      pageSize: number;
    }
  | {
      name: 'tasks create';
      body: CreateTask;
      idempotencyKey?: string;
      follow: boolean;
      timeoutMs: number;
    }
  | { name: 'tasks follow'; taskId: string; timeoutMs: number }
  | { name: 'tasks show'; taskId: string }
  | {
      name: 'tasks list';
      clientId?: string;
      status?: TaskStatus;
      kind?: string;
      limit: number;
    }
  | { name: 'packets list'; clientId?: string; status?: string }
  | { name: 'packets show'; packetId: string }
  | { name: 'packets approve'; packetId: string }
  | { name: 'packets reject'; packetId: string; reason: string };
export type CommandName = Command['name'];

export interface Invocation {
  global: GlobalOptions;
  command: Command;
}

const options = {
  // Global: valid with every command.
  url: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // Per command (which command takes which is in `commands` below).
  client: { type: 'string' },
  period: { type: 'string' },
  run: { type: 'string' },
  'idempotency-key': { type: 'string' },
  'no-wait': { type: 'boolean' },
  'no-follow': { type: 'boolean' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string', multiple: true },
  kind: { type: 'string' },
  format: { type: 'string' },
  'page-size': { type: 'string' },
  param: { type: 'string', multiple: true },
  approve: { type: 'boolean' },
  status: { type: 'string' },
  limit: { type: 'string' },
  reason: { type: 'string' },
} as const;
type OptionName = keyof typeof options;
const globalOptionNames: readonly OptionName[] = ['url', 'token', 'token-file', 'json', 'help'];
type Values = ReturnType<
  typeof parseArgs<{
    options: typeof options;
    allowPositionals: true;
    strict: true;
  }>
>['values'];

interface CommandSpec {
  /** Positional arguments after the command words, by name. */
  args: readonly string[];
  options: readonly OptionName[];
  synopsis: string;
  summary: string;
}

/** Every command: what it takes, and the line `help` prints for it. */
export const commands: Record<Exclude<CommandName, 'help'>, CommandSpec> = {
  'clients list': {
    args: [],
    options: [],
    synopsis: 'clients list',
    summary: 'the clients you may see and their contract periods',
  },
  'reconcile start': {
    args: [],
    options: ['client', 'period', 'idempotency-key', 'no-wait', 'timeout'],
    synopsis: 'reconcile start --client <id> --period <periodId> [--idempotency-key <key>] [--no-wait] [--timeout <s>]',
    summary: 'start a run (a generated Idempotency-Key unless given) and wait for its end with progress',
  },
  'reconcile show': {
    args: [],
    options: ['client', 'run'],
    synopsis: 'reconcile show --client <id> --run <runId>',
    summary: 'a run: status, summary, buckets, artifacts',
  },
  'reconcile wait': {
    args: [],
    options: ['client', 'run', 'timeout'],
    synopsis: 'reconcile wait --client <id> --run <runId> [--timeout <s>]',
    summary: 'wait with progress until a run ends',
  },
  'artifacts download': {
    args: [],
    options: ['client', 'run', 'out', 'name'],
    synopsis: 'artifacts download --client <id> --run <runId> [--out <folder>] [--name <artifact>]...',
    summary: "stream a succeeded run's artifacts into a folder (default ./<runId>), each checked against its listed sha256",
  },
  'findings list': {
    args: [],
    options: ['client', 'run', 'kind', 'format', 'page-size'],
    synopsis: 'findings list --client <id> --run <runId> [--kind <kind>] [--format table|csv] [--page-size <n>]',
    summary: 'every finding of a run (all pages), as a table or CSV',
  },
  'tasks create': {
    args: [],
    options: ['kind', 'client', 'param', 'approve', 'idempotency-key', 'no-follow', 'timeout'],
    synopsis:
      'tasks create --kind <kind> --client <id> [--param key=value | key:=<json>]... [--approve] [--idempotency-key <key>] [--no-follow] [--timeout <s>]',
    summary: 'create a task and follow its events until it ends',
  },
  'tasks follow': {
    args: ['taskId'],
    options: ['timeout'],
    synopsis: 'tasks follow <taskId> [--timeout <s>]',
    summary: "follow a task's events until it ends",
  },
  'tasks show': {
    args: ['taskId'],
    options: [],
    synopsis: 'tasks show <taskId>',
    summary: 'a task: status, attempts, artifacts, result, error',
  },
  'tasks list': {
    args: [],
    options: ['client', 'status', 'kind', 'limit'],
    synopsis: 'tasks list [--client <id>] [--status <status>] [--kind <kind>] [--limit <n>]',
    summary: 'tasks, newest first (default 50)',
  },
  'packets list': {
    args: [],
    options: ['client', 'status'],
    synopsis: 'packets list [--client <id>] [--status <status>]',
    summary: 'contract packets (all pages); --status review lists what awaits a decision',
  },
  'packets show': {
    args: ['packetId'],
    options: [],
    synopsis: 'packets show <packetId>',
    summary: 'a packet, its conflicts and the terms read from it with their locators',
  },
  'packets approve': {
    args: ['packetId'],
    options: [],
    synopsis: 'packets approve <packetId>',
    summary: 'promote a packet held for review (operator)',
  },
  'packets reject': {
    args: ['packetId'],
    options: ['reason'],
    synopsis: 'packets reject <packetId> --reason <text>',
    summary: 'reject a packet, with the reason on record (operator)',
  },
};

export const usage = `usage: npm run leaf -- <command> [options]

${Object.values(commands)
  .map((c) => `  ${c.synopsis}\n      ${c.summary}`)
  .join('\n')}

Every command takes:
  --url <base>        the gateway (LEAF_URL, default ${defaultBaseUrl})
  --token <jwt>       bearer token; or --token-file <path>; or LEAF_TOKEN
                      (local stack: npm run -s token -- --client '*' --role operator)
  --json              machine-readable output on stdout
  -h, --help          this text

Errors are one line on stderr: error <status> <code>: <detail>
Exit codes: 0 ok, 1 API or operation failed (e.g. the run failed), 2 usage, 3 auth (401/403),
4 not found, 5 network (gateway unreachable).`;

/** `zod` says what is wrong with a value; the CLI says which argument it was. */
function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    throw new UsageError(`${what}${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function positiveInt(raw: string | undefined, what: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`${what} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const timeoutMs = (values: Values) => positiveInt(values.timeout, '--timeout (seconds)', defaultTimeoutSeconds, 7 * 24 * 3600) * 1000;

function required(values: Values, name: 'client' | 'period' | 'run' | 'kind' | 'reason'): string {
  const value = values[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

/**
 * `--param key=value` gives a string, `--param key:=<json>` a JSON value (a number, a boolean, an
 * object), as httpie does; so `periodId=2025` stays the string it names.
 */
export function parseTaskParams(raw: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const item of raw) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(:?=)([\s\S]*)$/.exec(item);
    if (!match) throw new UsageError(`--param ${JSON.stringify(item)} must be key=value or key:=<json>`);
    const [, key, op, value] = match;
    if (key in params) throw new UsageError(`--param ${key} is given twice`);
    if (op === '=') params[key] = value;
    else {
      try {
        params[key] = JSON.parse(value);
      } catch {
        throw new UsageError(`--param ${key}:= must be followed by JSON, got ${JSON.stringify(value)}`);
      }
    }
  }
  return params;
}

function baseUrlOf(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url / LEAF_URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http:// or https://, got ${url.protocol}`);
  // A token goes to this host; credentials, a query or a fragment in it are a mistake, not a feature.
  if (url.username || url.password || url.search || url.hash) throw new UsageError('--url must be a plain base URL (no credentials, query or fragment)');
  return url;
}

function tokenSourceOf(values: Values, env: NodeJS.ProcessEnv, cwd: string): TokenSource {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError('give --token or --token-file, not both');
  if (values.token !== undefined) return { kind: 'flag', value: values.token };
  if (values['token-file'] !== undefined) return { kind: 'file', path: resolve(cwd, values['token-file']) };
  const fromEnv = env['LEAF_TOKEN']?.trim();
  return fromEnv ? { kind: 'env', value: fromEnv } : { kind: 'none' };
}

function buildCommand(name: Exclude<CommandName, 'help'>, args: Record<string, string>, values: Values, cwd: string): Command {
  switch (name) {
    case 'clients list':
      return { name };
    case 'reconcile start': {
      const clientId = valid(clientIdSchema, required(values, 'client'), '--client');
      const { periodId } = valid(startReconciliationSchema, { periodId: required(values, 'period') }, '--period');
      return {
        name,
        clientId,
        periodId,
        idempotencyKey: values['idempotency-key'],
        wait: !values['no-wait'],
        timeoutMs: timeoutMs(values),
      };
    }
    case 'reconcile show':
    case 'reconcile wait': {
      const clientId = valid(clientIdSchema, required(values, 'client'), '--client');
      const runId = valid(runIdSchema, required(values, 'run'), '--run');
      return name === 'reconcile show' ? { name, clientId, runId } : { name, clientId, runId, timeoutMs: timeoutMs(values) };
    }
    case 'artifacts download': {
      const clientId = valid(clientIdSchema, required(values, 'client'), '--client');
      const runId = valid(runIdSchema, required(values, 'run'), '--run');
      const names = values.name?.map((n) => valid(artifactNameSchema, n, '--name'));
      return {
        name,
        clientId,
        runId,
        out: resolve(cwd, values.out ?? runId),
        names: names && [...new Set(names)],
      };
    }
    case 'findings list': {
      const format = values.format ?? 'table';
      if (format !== 'table' && format !== 'csv') throw new UsageError(`--format must be table or csv, got ${JSON.stringify(format)}`);
      return {
        name,
        clientId: valid(clientIdSchema, required(values, 'client'), '--client'),
        runId: valid(runIdSchema, required(values, 'run'), '--run'),
        kind: values.kind === undefined ? undefined : valid(findingKindSchema, values.kind, '--kind'),
        format,
        pageSize: positiveInt(values['page-size'], '--page-size', 500, 500),
      };
    }
    case 'tasks create': {
      const body = valid(
        createTaskSchema,
        {
          kind: required(values, 'kind'),
          clientId: required(values, 'client'),
          parameters: parseTaskParams(values.param ?? []),
          approve: values.approve ?? false,
        },
        'task',
      );
      return {
        name,
        body,
        idempotencyKey: values['idempotency-key'],
        follow: !values['no-follow'],
        timeoutMs: timeoutMs(values),
      };
    }
    case 'tasks follow':
      return {
        name,
        taskId: valid(taskIdSchema, args['taskId'], 'taskId'),
        timeoutMs: timeoutMs(values),
      };
    case 'tasks show':
      return { name, taskId: valid(taskIdSchema, args['taskId'], 'taskId') };
    case 'tasks list':
      return {
        name,
        clientId: values.client === undefined ? undefined : valid(clientIdSchema, values.client, '--client'),
        status: values.status === undefined ? undefined : valid(taskStatusSchema, values.status, '--status'),
        kind: values.kind === undefined ? undefined : valid(taskKindNameSchema, values.kind, '--kind'),
        limit: positiveInt(values.limit, '--limit', 50, 10_000),
      };
    case 'packets list':
      return {
        name,
        clientId: values.client === undefined ? undefined : valid(clientIdSchema, values.client, '--client'),
        status: values.status === undefined ? undefined : valid(packetStatusSchema, values.status, '--status'),
      };
    case 'packets show':
    case 'packets approve':
      return {
        name,
        packetId: valid(packetIdSchema, args['packetId'], 'packetId'),
      };
    case 'packets reject': {
      const { reason } = valid(packetRejectBodySchema, { reason: required(values, 'reason') }, '--reason');
      return {
        name,
        packetId: valid(packetIdSchema, args['packetId'], 'packetId'),
        reason,
      };
    }
  }
}

const isCommandName = (name: string): name is Exclude<CommandName, 'help'> => Object.hasOwn(commands, name);

/** Parses argv (after `npm run leaf --`) into what to run; anything wrong is a UsageError (exit 2) before anything is sent. */
export function parseLeafArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  // `npm run` starts scripts in the package root; INIT_CWD is where the user typed the command,
  // so `--out reports` and `--token-file .token` mean what they say.
  const cwd = env['INIT_CWD'] || process.cwd();
  const global: GlobalOptions = {
    baseUrl: baseUrlOf(values.url ?? (env['LEAF_URL']?.trim() || defaultBaseUrl)),
    json: values.json ?? false,
    token: tokenSourceOf(values, env, cwd),
  };
  const [group, action, ...rest] = positionals;
  if (group === undefined || group === 'help') return { global, command: { name: 'help', topic: action } };
  const name = `${group} ${action ?? ''}`.trim();
  if (values.help) return { global, command: { name: 'help', topic: group } };
  if (!isCommandName(name)) {
    const known = [...new Set(Object.keys(commands).map((c) => c.split(' ')[0]))];
    if (!known.includes(group)) throw new UsageError(`unknown command ${JSON.stringify(group)} (commands: ${known.join(', ')})`);
    const actions = Object.keys(commands)
      .filter((c) => c.startsWith(`${group} `))
      .map((c) => c.split(' ')[1]);
    throw new UsageError(action === undefined ? `${group} needs one of: ${actions.join(', ')}` : `unknown command "${name}" (${group}: ${actions.join(', ')})`);
  }
  const spec = commands[name];
  if (rest.length !== spec.args.length) {
    throw new UsageError(
      spec.args.length ? `${name} takes ${spec.args.map((a) => `<${a}>`).join(' ')}` : `${name} takes no argument ${JSON.stringify(rest[0])}`,
    );
  }
  for (const option of Object.keys(values) as OptionName[]) {
    if (!globalOptionNames.includes(option) && !spec.options.includes(option)) throw new UsageError(`${name} does not take --${option}`);
  }
  if (global.json && values.format === 'csv') throw new UsageError('--json and --format csv: choose one');
  const args = Object.fromEntries(spec.args.map((a, i) => [a, rest[i]]));
  return { global, command: buildCommand(name, args, values, cwd) };
}

/** The help text: everything, or the commands of one group. */
export function helpText(topic?: string): string {
  const group = Object.entries(commands).filter(([name]) => topic !== undefined && name.split(' ')[0] === topic);
  if (group.length === 0) return usage;
  return `usage: npm run leaf -- <command> [options]\n\n${group.map(([, c]) => `  ${c.synopsis}\n      ${c.summary}`).join('\n')}\n\nSee npm run leaf -- help for the common options and exit codes.`;
}
