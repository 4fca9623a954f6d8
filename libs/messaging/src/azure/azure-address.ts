import type {
  ServiceBusClient,
  ServiceBusReceiver,
  ServiceBusReceiverOptions,
  ServiceBusSessionReceiver,
  ServiceBusSessionReceiverOptions,
} from '@azure/service-bus';
import type { EntityName } from '@leaf/contracts';
import type { ReceiveAddress } from '../port/message-bus.port';

/** The entity messages for this address are sent to (the topic, for a subscription). */
export const sendEntityOf = (from: ReceiveAddress): EntityName => ('queue' in from ? from.queue : from.topic);

/** The subscription name, or '' for a queue (wake-ups are addressed with it). */
export const subscriptionOf = (from: ReceiveAddress): string => ('queue' in from ? '' : from.subscription);

export const describeAddress = (from: ReceiveAddress, deadLetter = false): string =>
  ('queue' in from ? from.queue : `${from.topic}/Subscriptions/${from.subscription}`) + (deadLetter ? '/$DeadLetterQueue' : '');

export function createReceiverFor(client: ServiceBusClient, from: ReceiveAddress, options: ServiceBusReceiverOptions): ServiceBusReceiver {
  return 'queue' in from ? client.createReceiver(from.queue, options) : client.createReceiver(from.topic, from.subscription, options);
}

export function acceptNextSessionFor(
  client: ServiceBusClient,
  from: ReceiveAddress,
  options: ServiceBusSessionReceiverOptions,
): Promise<ServiceBusSessionReceiver> {
  return 'queue' in from ? client.acceptNextSession(from.queue, options) : client.acceptNextSession(from.topic, from.subscription, options);
}
