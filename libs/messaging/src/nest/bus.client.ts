import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { EntityName } from '@leaf/contracts';
import type { MessageBus } from '../port/message-bus.port';
import { MessagingError } from '../port/messaging.error';

/**
 * `client.emit(topic, payload)` over the bus. Events only: the platform's commands go through the
 * ledger and the outbox, and request/response over a queue is not something it needs.
 */
export class BusClient extends ClientProxy {
  constructor(private readonly bus: MessageBus) {
    super();
  }

  async connect(): Promise<void> {
    return undefined;
  }

  async close(): Promise<void> {
    return undefined;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.bus.send(packet.pattern as EntityName, { body: packet.data });
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new MessagingError('MESSAGING_UNAVAILABLE', 'request/response is not supported over the bus; emit an event'), isDisposed: true });
    return () => undefined;
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}
