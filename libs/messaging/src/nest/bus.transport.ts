import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { queueCatalogue, subscriptionCatalogue, topicCatalogue, type EntityName, type QueueName, type TopicName } from '@leaf/contracts';
import { lastValueFrom } from 'rxjs';
import type { ConsumerHandle, MessageBus, ReceiveAddress } from '../port/message-bus.port';
import { MessagingError } from '../port/messaging.error';
import { resubmittedForAnother } from '../admin/dead-letter-admin';
import { typedHandler } from '../typed/typed-handler';
import { BusContext } from './bus.context';

export interface BusTransportOptions {
  bus: MessageBus;
  /** The consuming service: its subscription name on every topic it handles. */
  consumer: string;
  maxConcurrentCalls?: number;
}

/** `@EventPattern('agent-tasks')` reads the queue; `@EventPattern('<topic>')` reads this consumer's subscription. */
export function addressForPattern(pattern: string, consumer: string): ReceiveAddress {
  if (pattern in queueCatalogue) return { queue: pattern as QueueName };
  if (!(pattern in topicCatalogue)) throw new MessagingError('MESSAGING_ENTITY_UNKNOWN', `@EventPattern('${pattern}') names no declared topic or queue`);
  const declared = subscriptionCatalogue.some((s) => s.topic === pattern && s.name === consumer);
  if (!declared) {
    throw new MessagingError('MESSAGING_ENTITY_UNKNOWN', `${consumer} has no declared subscription on ${pattern}; add it to subscriptionCatalogue`);
  }
  return { topic: pattern as TopicName, subscription: consumer };
}

/**
 * A Nest microservice transport over the bus port: handlers are written as
 * `@EventPattern(topic) handle(@Payload() payload)`. Payloads are validated against the contract
 * on arrival (a mismatch is dead-lettered `ContractViolation`, never retried); a handler that
 * returns completes the message; one that throws abandons it, until max deliveries move it to the
 * dead-letter queue.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  private consumers: ConsumerHandle[] = [];

  constructor(private readonly options: BusTransportOptions) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        const address = addressForPattern(pattern, this.options.consumer);
        const onMessage = typedHandler(pattern as EntityName, async (payload, message, context) => {
          // A dead letter resubmitted for another subscription of this topic reaches every
          // subscription (a topic cannot address one): only the one it was meant for handles it.
          if ('subscription' in address && resubmittedForAnother(message, address.subscription)) return;
          const result = await handler(payload, new BusContext([message, context]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        });
        this.consumers.push(this.options.bus.subscribe(address, onMessage, { maxConcurrentCalls: this.options.maxConcurrentCalls ?? 4 }));
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking messages and waits for in-flight handlers: part of the SIGTERM drain. */
  async close(): Promise<void> {
    const consumers = this.consumers;
    this.consumers = [];
    await Promise.all(consumers.map((c) => c.close()));
  }

  on(): never {
    throw new MessagingError('MESSAGING_UNAVAILABLE', 'BusTransport has no status events');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }
}
