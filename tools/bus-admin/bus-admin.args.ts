import { parseArgs } from 'node:util';
import { queueCatalogue, topicCatalogue, type QueueName, type TopicName } from '@leaf/contracts';
import type { ReceiveAddress } from '@leaf/messaging';

export class BusAdminArgsError extends Error {
  readonly code = 'BUS_ADMIN_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'BusAdminArgsError';
  }
}

export type BusAdminConnection =
  | { kind: 'embedded'; url: string; schema?: string }
  | { kind: 'azure'; connectionString: string }
  | { kind: 'azure'; fullyQualifiedNamespace: string };

export type BusAdminCommand =
  | { kind: 'help' }
  | {
      kind: 'list';
      address: ReceiveAddress;
      connection: BusAdminConnection;
      maxCount?: number;
      fromSequenceNumber?: bigint;
    }
  | {
      kind: 'inspect';
      address: ReceiveAddress;
      connection: BusAdminConnection;
      sequenceNumber: bigint;
    }
  | {
      kind: 'resubmit';
      address: ReceiveAddress;
      connection: BusAdminConnection;
      sequenceNumbers: bigint[];
    };

export const busAdminUsage = `Usage: npm run bus:admin -- <command> <address> <connection> [options]

Commands:
  list [--max-count N] [--from SEQ]   dead-lettered messages, oldest first, without bodies
  inspect SEQ                         one dead-lettered message with its body and properties
                                      (a body that is not JSON: rawBody, base64 and a preview)
  resubmit SEQ [SEQ...]               send copies to the entity (new messageId, original in
                                      leaf-resubmitted-from) and remove the originals from the DLQ;
                                      only the chosen messages are locked; a body that can never
                                      be handled (bodyProblem) is refused and stays

Address (one of):
  --queue NAME                        e.g. --queue agent-tasks
  --topic NAME --subscription NAME    a topic subscription (a resubmit goes to the topic and
                                      fans out to every matching subscription)

Connection (one of):
  --database-url URL [--schema NAME]  the embedded bus in that PostgreSQL (default schema leaf_bus)
  --service-bus-namespace NAME        Azure Service Bus, signed in with DefaultAzureCredential
  --connection-string                 Azure Service Bus with LEAF_SERVICE_BUS_CONNECTION_STRING
                                      (read from the environment, never from the command line)

Output is JSON; sequence numbers are decimal strings. Exit 2 on bad arguments.`;

const sequencePattern = /^\d{1,19}$/;

function sequenceNumber(value: string, what: string): bigint {
  if (!sequencePattern.test(value)) throw new BusAdminArgsError(`${what} must be a decimal sequence number, got "${value}"`);
  return BigInt(value);
}

function addressOf(values: { queue?: string; topic?: string; subscription?: string }): ReceiveAddress {
  if (values.queue !== undefined) {
    if (values.topic !== undefined || values.subscription !== undefined) throw new BusAdminArgsError('give either --queue, or --topic and --subscription');
    if (!(values.queue in queueCatalogue)) throw new BusAdminArgsError(`unknown queue "${values.queue}"; known: ${Object.keys(queueCatalogue).join(', ')}`);
    return { queue: values.queue as QueueName };
  }
  if (values.topic === undefined || values.subscription === undefined) throw new BusAdminArgsError('give either --queue, or --topic and --subscription');
  if (!(values.topic in topicCatalogue)) throw new BusAdminArgsError(`unknown topic "${values.topic}"`);
  return {
    topic: values.topic as TopicName,
    subscription: values.subscription,
  };
}

function connectionOf(
  values: {
    'database-url'?: string;
    schema?: string;
    'service-bus-namespace'?: string;
    'connection-string'?: boolean;
  },
  env: NodeJS.ProcessEnv,
): BusAdminConnection {
  const given = [values['database-url'], values['service-bus-namespace'], values['connection-string'] || undefined].filter((v) => v !== undefined);
  if (given.length !== 1) throw new BusAdminArgsError('give exactly one of --database-url, --service-bus-namespace, --connection-string');
  const url = values['database-url'];
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new BusAdminArgsError('--database-url must be a postgres:// URL');
    return {
      kind: 'embedded',
      url,
      ...(values.schema !== undefined && { schema: values.schema }),
    };
  }
  if (values.schema !== undefined) throw new BusAdminArgsError('--schema only applies to --database-url');
  const namespace = values['service-bus-namespace'];
  if (namespace !== undefined)
    return {
      kind: 'azure',
      fullyQualifiedNamespace: namespace.includes('.') ? namespace : `${namespace}.servicebus.windows.net`,
    };
  const connectionString = env['LEAF_SERVICE_BUS_CONNECTION_STRING']?.trim();
  if (!connectionString) throw new BusAdminArgsError('--connection-string reads LEAF_SERVICE_BUS_CONNECTION_STRING, which is not set');
  return { kind: 'azure', connectionString };
}

export function parseBusAdminArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): BusAdminCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        queue: { type: 'string' },
        topic: { type: 'string' },
        subscription: { type: 'string' },
        'database-url': { type: 'string' },
        schema: { type: 'string' },
        'service-bus-namespace': { type: 'string' },
        'connection-string': { type: 'boolean' },
        'max-count': { type: 'string' },
        from: { type: 'string' },
      },
    });
  } catch (error) {
    throw new BusAdminArgsError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new BusAdminArgsError('missing command: list, inspect or resubmit');
  if (!['list', 'inspect', 'resubmit'].includes(command)) throw new BusAdminArgsError(`unknown command "${command}"`);
  const address = addressOf(values);
  const connection = connectionOf(values, env);
  if (command === 'list') {
    if (rest.length > 0) throw new BusAdminArgsError(`list takes no positional arguments`);
    const maxCount = values['max-count'];
    if (maxCount !== undefined && !/^[1-9]\d{0,2}$/.test(maxCount)) throw new BusAdminArgsError('--max-count must be 1 to 999');
    return {
      kind: 'list',
      address,
      connection,
      ...(maxCount !== undefined && { maxCount: Number(maxCount) }),
      ...(values.from !== undefined && {
        fromSequenceNumber: sequenceNumber(values.from, '--from'),
      }),
    };
  }
  if (values['max-count'] !== undefined || values.from !== undefined) throw new BusAdminArgsError('--max-count and --from only apply to list');
  if (command === 'inspect') {
    if (rest.length !== 1) throw new BusAdminArgsError('inspect takes exactly one sequence number');
    return {
      kind: 'inspect',
      address,
      connection,
      sequenceNumber: sequenceNumber(rest[0], 'the sequence number'),
    };
  }
  if (rest.length === 0) throw new BusAdminArgsError('resubmit needs at least one sequence number');
  return {
    kind: 'resubmit',
    address,
    connection,
    sequenceNumbers: rest.map((s) => sequenceNumber(s, 'a sequence number')),
  };
}
