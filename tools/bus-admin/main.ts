import { DefaultAzureCredential } from '@azure/identity';
import { createAzureServiceBus, createEmbeddedBus, inspectDeadLetter, listDeadLetters, resubmitDeadLetters, type MessageBus } from '@leaf/messaging';
import { BusAdminArgsError, busAdminUsage, parseBusAdminArgs, type BusAdminCommand, type BusAdminConnection } from './bus-admin.args';

const json = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

function openBus(connection: BusAdminConnection): Promise<MessageBus> {
  if (connection.kind === 'embedded')
    return createEmbeddedBus({
      url: connection.url,
      poolSize: 2,
      ...(connection.schema !== undefined && { schema: connection.schema }),
    });
  return Promise.resolve(
    'connectionString' in connection
      ? createAzureServiceBus({ connectionString: connection.connectionString })
      : createAzureServiceBus({
          fullyQualifiedNamespace: connection.fullyQualifiedNamespace,
          credential: new DefaultAzureCredential(),
        }),
  );
}

/** 0 done, 1 failed or (inspect/resubmit) something was not found, 2 bad arguments. */
async function run(command: Exclude<BusAdminCommand, { kind: 'help' }>, bus: MessageBus): Promise<number> {
  if (command.kind === 'list') {
    const items = await listDeadLetters(bus, command.address, {
      ...(command.maxCount !== undefined && { maxCount: command.maxCount }),
      ...(command.fromSequenceNumber !== undefined && {
        fromSequenceNumber: command.fromSequenceNumber,
      }),
    });
    process.stdout.write(`${json({ items })}\n`);
    return 0;
  }
  if (command.kind === 'inspect') {
    const detail = await inspectDeadLetter(bus, command.address, command.sequenceNumber);
    if (!detail) {
      process.stderr.write(`bus:admin: no dead-lettered message with sequence number ${command.sequenceNumber}\n`);
      return 1;
    }
    process.stdout.write(`${json(detail)}\n`);
    return 0;
  }
  const result = await resubmitDeadLetters(bus, command.address, command.sequenceNumbers);
  process.stdout.write(`${json(result)}\n`);
  return result.notFound.length + result.notReached.length + result.refused.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  let command: BusAdminCommand;
  try {
    command = parseBusAdminArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof BusAdminArgsError)) throw error;
    process.stderr.write(`bus:admin: ${error.message}\n\n${busAdminUsage}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${busAdminUsage}\n`);
    return 0;
  }
  let bus: MessageBus | undefined;
  try {
    bus = await openBus(command.connection);
    return await run(command, bus);
  } catch (error) {
    // Never print the connection: the messages of the bus's typed errors do not contain it.
    process.stderr.write(`bus:admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await bus?.close().catch(() => undefined);
  }
}

void main().then((status) => {
  process.exitCode = status;
});
