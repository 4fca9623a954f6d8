import { queueCatalogue, subscriptionCatalogue, type Identity, type QueueDepth, type QueueName } from '@leaf/contracts';
import type { MessageBus, ReceiveAddress, ReceivedMessage } from '@leaf/messaging';
import { messageVisibleTo } from '../message-scope';

/** Every queue and every declared subscription: what an operator watches. */
export const watchedAddresses = (): ReceiveAddress[] => [
  ...(Object.keys(queueCatalogue) as QueueName[]).map((queue) => ({ queue })),
  ...subscriptionCatalogue.map((s) => ({ topic: s.topic, subscription: s.name })),
];

/**
 * Depth of each queue and subscription from a bounded peek, on whichever adapter the gateway runs
 * (embedded or Azure Service Bus: both answer peek the same way, without locking or counting a
 * delivery). A caller scoped to some clients counts only messages naming one of them; a message
 * that names no client counts only for callers of every client (as the dead-letter admin).
 */
export async function readQueueDepths(bus: MessageBus, identity: Identity, peekBound: number, now = Date.now()): Promise<QueueDepth[]> {
  const visible = (m: ReceivedMessage) => messageVisibleTo(identity, m.body);
  return Promise.all(
    watchedAddresses().map(async (address): Promise<QueueDepth> => {
      const entity = 'queue' in address ? address.queue : address.topic;
      const subscription = 'queue' in address ? null : address.subscription;
      try {
        const [live, dead] = await Promise.all([bus.peek(address, { maxCount: peekBound }), bus.peek(address, { maxCount: peekBound, deadLetter: true })]);
        const mine = live.filter(visible);
        const active = mine.filter((m) => m.state === 'active');
        const oldest = active.reduce<number | undefined>((min, m) => Math.min(min ?? Infinity, m.enqueuedAt.getTime()), undefined);
        return {
          entity,
          subscription,
          active: active.length,
          scheduled: mine.filter((m) => m.state === 'scheduled').length,
          deadLettered: dead.filter(visible).length,
          oldestActiveAgeSeconds: oldest === undefined ? null : Math.max(0, Math.round((now - oldest) / 100) / 10),
          capped: live.length >= peekBound || dead.length >= peekBound,
          error: null,
        };
      } catch (error) {
        // One unreadable entity (not provisioned, no rights) must not hide the others.
        const code = (error as { code?: unknown }).code;
        return {
          entity,
          subscription,
          active: 0,
          scheduled: 0,
          deadLettered: 0,
          oldestActiveAgeSeconds: null,
          capped: false,
          error: typeof code === 'string' ? code : 'the entity could not be read',
        };
      }
    }),
  );
}
