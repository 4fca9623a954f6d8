import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusAdministrationClient } from '@azure/service-bus';
import { BusProvisionArgsError, busProvisionUsage, connectionFromEnv, parseBusProvisionArgs, type BusProvisionConnection } from './bus-provision.args';
import { describeAction, describePlan } from './bus-provision.format';
import { applyAction, readNamespace } from './bus-provision.namespace';
import { planProvisioning } from './bus-provision.plan';
import { declaredTopology } from './bus-provision.topology';

function adminClient(connection: BusProvisionConnection): ServiceBusAdministrationClient {
  return 'connectionString' in connection
    ? new ServiceBusAdministrationClient(connection.connectionString)
    : new ServiceBusAdministrationClient(connection.fullyQualifiedNamespace, new DefaultAzureCredential());
}

async function main(): Promise<number> {
  let command;
  let connection;
  try {
    command = parseBusProvisionArgs(process.argv.slice(2));
    if (command.kind === 'help') {
      process.stdout.write(`${busProvisionUsage}\n`);
      return 0;
    }
    connection = connectionFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof BusProvisionArgsError)) throw error;
    process.stderr.write(`bus:provision: ${error.message}\n\n${busProvisionUsage}\n`);
    return 2;
  }
  try {
    const admin = adminClient(connection);
    const plan = planProvisioning(declaredTopology(), await readNamespace(admin));
    if (command.dryRun) {
      process.stdout.write(`${['dry run: nothing changed', ...describePlan(plan)].join('\n')}\n`);
      return 0;
    }
    for (const action of plan.actions) {
      process.stdout.write(`${describeAction(action)}\n`);
      await applyAction(admin, action);
    }
    const findings = describePlan({
      actions: [],
      findings: plan.findings,
    }).slice(1);
    if (findings.length > 0) process.stdout.write(`${findings.join('\n')}\n`);
    process.stdout.write(`done: ${plan.actions.length} change(s)\n`);
    return plan.findings.some((f) => f.kind === 'conflict') ? 1 : 0;
  } catch (error) {
    // Never print the connection string; the SDK's messages do not contain it.
    process.stderr.write(`bus:provision failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

void main().then((status) => {
  process.exitCode = status;
});
