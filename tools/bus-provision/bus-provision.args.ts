export class BusProvisionArgsError extends Error {
  readonly code = 'BUS_PROVISION_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'BusProvisionArgsError';
  }
}

export type BusProvisionConnection = { connectionString: string } | { fullyQualifiedNamespace: string };

export interface BusProvisionCommand {
  kind: 'provision' | 'help';
  dryRun: boolean;
}

export const busProvisionUsage = `Usage: npm run bus:provision -- [--dry-run]

Creates the queues, topics, subscriptions and rules declared in @leaf/contracts on an Azure
Service Bus namespace, updates settings that differ, and reports (never deletes) entities the
topology does not declare. --dry-run prints the plan and changes nothing.

Connection (one of):
  LEAF_SERVICE_BUS_CONNECTION_STRING  a connection string with Manage rights
  LEAF_SERVICE_BUS_NAMESPACE          <name> or <name>.servicebus.windows.net, signed in with
                                      DefaultAzureCredential (workload identity in AKS, az login locally)`;

export function parseBusProvisionArgs(argv: readonly string[]): BusProvisionCommand {
  let dryRun = false;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return { kind: 'help', dryRun };
    if (arg === '--dry-run') dryRun = true;
    else throw new BusProvisionArgsError(`unknown argument: ${arg}`);
  }
  return { kind: 'provision', dryRun };
}

/** The connection string wins when both are set: it is the more specific instruction. */
export function connectionFromEnv(env: NodeJS.ProcessEnv): BusProvisionConnection {
  const connectionString = env['LEAF_SERVICE_BUS_CONNECTION_STRING']?.trim();
  if (connectionString) return { connectionString };
  const namespace = env['LEAF_SERVICE_BUS_NAMESPACE']?.trim();
  if (namespace)
    return {
      fullyQualifiedNamespace: namespace.includes('.') ? namespace : `${namespace}.servicebus.windows.net`,
    };
  throw new BusProvisionArgsError('set LEAF_SERVICE_BUS_CONNECTION_STRING or LEAF_SERVICE_BUS_NAMESPACE to say which Service Bus namespace to provision');
}
