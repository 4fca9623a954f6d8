import type { AddressInfo, Server } from 'node:net';
import {
  create_container,
  message as amqpMessage,
  types,
  type Connection,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
} from 'rhea';
import { BrokerNamespace, entityPath, type ResolvedEntity } from './broker-namespace';
import { topologyFromContracts, type BrokerTopology } from './broker-topology';
import { handleManagementRequest } from './management-handler';
import { dateToTicksBuffer, reorderGuidBytes, uuidBytesToString } from './lock-token';
import { AmqpConditionError, settleOnLink, type Consumer, type MessageStore } from './message-store';
import { ServiceBusBrokerError } from './service-bus-broker.error';

export interface StartServiceBusBrokerOptions {
  /** Entities to serve; defaults to the topology declared in `@leaf/contracts`. */
  readonly topology?: BrokerTopology;
  /** The namespace tier's largest message (and batch), in bytes. Default: Standard's 256 KB. */
  readonly maxMessageSizeBytes?: number;
}

export interface ServiceBusBroker {
  /** A development-emulator connection string the real `@azure/service-bus` SDK accepts. */
  readonly connectionString: string;
  readonly port: number;
  /** Closes every connection and the listening socket; safe to call more than once. */
  stop(): Promise<void>;
}

/** Service Bus Standard rejects larger messages; the SDK sizes batches by what the attach advertises. */
const STANDARD_MAX_MESSAGE_SIZE = 256 * 1024;
const BATCH_FORMAT = 0x80013700;
const SESSION_FILTER = 'com.microsoft:session-filter';

interface Terminus {
  address?: string;
  filter?: Record<string, unknown>;
}
/** The attach fields rhea keeps but does not type. */
interface AttachFields {
  source?: Terminus;
  target?: Terminus;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
  properties?: Record<string, unknown>;
}
type Link = Sender | Receiver;

interface LinkEnds {
  local: { attach: AttachFields };
  remote: { attach?: AttachFields };
}

function ends(link: Link): LinkEnds {
  return link as unknown as LinkEnds;
}

type InboundKind = { kind: 'cbs' } | { kind: 'management'; entity: ResolvedEntity } | { kind: 'entity'; entity: ResolvedEntity };

interface OutboundConsumer {
  readonly store: MessageStore;
  readonly consumer: Consumer;
}

/** Per connection: reply links by name and by target address, and the consumers to detach on close. */
interface ConnectionState {
  readonly replyLinks: Map<string, Sender>;
  readonly consumers: Set<OutboundConsumer>;
}

function fail(link: Link, condition: string, description: string): void {
  link.close({ condition, description });
}

/**
 * Starts an in-memory AMQP 1.0 server on 127.0.0.1 that speaks enough of the Service Bus protocol
 * (CBS, entities, peek-lock, `$management`, dead-letter sub-queues, sessions) for the real SDK.
 */
export async function startServiceBusBroker(options: StartServiceBusBrokerOptions = {}): Promise<ServiceBusBroker> {
  const namespace = new BrokerNamespace(options.topology ?? topologyFromContracts());
  const maxMessageSize = options.maxMessageSizeBytes ?? STANDARD_MAX_MESSAGE_SIZE;
  const container = create_container({
    id: 'leaf-service-bus-broker',
    // Abandon (modified) and release must stay distinguishable; settlement is always explicit.
    treat_modified_as_released: false,
    autoaccept: false,
    autosettle: false,
  });
  const connections = new Map<Connection, ConnectionState>();
  const inbound = new WeakMap<Link, InboundKind>();
  const outbound = new WeakMap<Link, OutboundConsumer>();

  const stateOf = (connection: Connection): ConnectionState => {
    let state = connections.get(connection);
    if (!state) {
      state = { replyLinks: new Map(), consumers: new Set() };
      connections.set(connection, state);
    }
    return state;
  };

  const detachConsumer = (connection: Connection, link: Link): void => {
    const attached = outbound.get(link);
    if (!attached) return;
    outbound.delete(link);
    attached.store.removeConsumer(attached.consumer);
    connections.get(connection)?.consumers.delete(attached);
  };

  const dropConnection = (connection: Connection): void => {
    const state = connections.get(connection);
    if (!state) return;
    for (const attached of state.consumers) attached.store.removeConsumer(attached.consumer);
    connections.delete(connection);
  };

  const reply = (connection: Connection, replyTo: unknown, response: Message): void => {
    const link = connections.get(connection)?.replyLinks.get(String(replyTo));
    if (link?.is_open()) link.send(response);
  };

  container.on('sender_open', (context: EventContext) => {
    const link = context.sender as Sender;
    const remote = ends(link).remote.attach ?? {};
    const local = ends(link).local.attach;
    local.source = remote.source;
    local.target = remote.target;
    local.snd_settle_mode = remote.snd_settle_mode;
    local.rcv_settle_mode = remote.rcv_settle_mode;
    const address = remote.source?.address ?? '';
    const path = entityPath(address);
    const state = stateOf(context.connection);
    if (path === '$cbs' || path.endsWith('/$management')) {
      state.replyLinks.set(link.name, link);
      if (remote.target?.address) state.replyLinks.set(remote.target.address, link);
      return;
    }
    const store = namespace.resolve(address)?.store;
    if (!store) {
      fail(link, 'amqp:not-found', `The messaging entity '${path}' could not be found.`);
      return;
    }
    const consumer: Consumer = {
      link,
      receiveAndDelete: remote.snd_settle_mode === 1,
    };
    if (store.settings.requiresSession) {
      const requested = remote.source?.filter?.[SESSION_FILTER];
      try {
        const sessionId = store.acceptSession(consumer, typeof requested === 'string' ? requested : null);
        if (sessionId === undefined) {
          fail(link, 'com.microsoft:timeout', `No unlocked session is available in '${path}'.`);
          return;
        }
        // Echo the locked session id: the SDK reads it back from the attach's source filter.
        (link as unknown as { set_source(fields: Terminus): void }).set_source({
          address: remote.source?.address,
          filter: { [SESSION_FILTER]: sessionId },
        });
        local.properties = {
          'com.microsoft:locked-until-utc': types.wrap_long(dateToTicksBuffer(store.sessionLockedUntil(sessionId))),
        };
      } catch (error) {
        const condition = error instanceof AmqpConditionError ? error.condition : 'amqp:internal-error';
        fail(link, condition, (error as Error).message);
        return;
      }
    }
    const attached = { store, consumer };
    outbound.set(link, attached);
    state.consumers.add(attached);
    store.addConsumer(consumer);
  });

  container.on('receiver_open', (context: EventContext) => {
    const link = context.receiver as Receiver;
    const remote = ends(link).remote.attach ?? {};
    const local = ends(link).local.attach;
    local.source = remote.source;
    local.target = remote.target;
    local.max_message_size = maxMessageSize;
    stateOf(context.connection);
    const address = remote.target?.address ?? '';
    const path = entityPath(address);
    if (path === '$cbs') {
      inbound.set(link, { kind: 'cbs' });
      return;
    }
    const management = path.endsWith('/$management');
    const entity = namespace.resolve(management ? path.slice(0, -'/$management'.length) : path);
    if (!entity || (!management && !entity.target)) {
      fail(link, 'amqp:not-found', `The messaging entity '${path}' could not be found.`);
      return;
    }
    inbound.set(link, management ? { kind: 'management', entity } : { kind: 'entity', entity });
  });

  container.on('message', (context: EventContext) => {
    const link = context.receiver as Receiver;
    const delivery = context.delivery as Delivery;
    const route = inbound.get(link);
    const request = context.message as Message;
    if (!route) return;
    if (route.kind === 'cbs') {
      // Any token is accepted: the broker trusts the test that started it.
      delivery.accept();
      reply(context.connection, request.reply_to, {
        correlation_id: request.message_id,
        application_properties: {
          'status-code': 202,
          'status-description': 'Accepted',
        },
        body: undefined,
      });
      return;
    }
    if (route.kind === 'management') {
      delivery.accept();
      reply(context.connection, request.reply_to, handleManagementRequest(route.entity, request));
      return;
    }
    receiveSent(route.entity, delivery, request, (context as { format?: number }).format);
  });

  const settleFrom = (context: EventContext, settle: (store: MessageStore, token: string) => void): void => {
    const delivery = context.delivery as Delivery;
    const attached = outbound.get(context.sender as Sender);
    if (!attached) return;
    const token = uuidBytesToString(reorderGuidBytes(Buffer.from(delivery.tag)));
    settleOnLink(delivery, () => settle(attached.store, token));
  };

  container.on('accepted', (context: EventContext) => settleFrom(context, (store, token) => store.complete(token)));
  container.on('released', (context: EventContext) => settleFrom(context, (store, token) => store.release(token)));
  container.on('modified', (context: EventContext) => {
    const state = (context.delivery as Delivery).remote_state as {
      undeliverable_here?: boolean;
      message_annotations?: Record<string, unknown>;
    };
    settleFrom(context, (store, token) =>
      state?.undeliverable_here ? store.defer(token, state.message_annotations) : store.abandon(token, state?.message_annotations),
    );
  });
  container.on('rejected', (context: EventContext) => {
    const error = (
      (context.delivery as Delivery).remote_state as {
        error?: { condition?: string; info?: unknown };
      }
    )?.error;
    const info = {
      ...((error?.info as Record<string, unknown> | undefined) ?? {}),
    };
    const reason = info['DeadLetterReason'];
    const description = info['DeadLetterErrorDescription'];
    delete info['DeadLetterReason'];
    delete info['DeadLetterErrorDescription'];
    settleFrom(context, (store, token) =>
      store.deadLetterLocked(token, {
        reason: typeof reason === 'string' ? reason : undefined,
        description: typeof description === 'string' ? description : undefined,
        properties: info,
      }),
    );
  });

  container.on('sendable', (context: EventContext) => {
    const attached = outbound.get(context.sender as Sender);
    attached?.store.pumpOne(attached.consumer);
  });
  // Drain: send what is available now, then give the rest of the credit back.
  container.on('sender_draining', (context: EventContext) => {
    const sender = context.sender as Sender;
    const attached = outbound.get(sender);
    attached?.store.pumpOne(attached.consumer);
    sender.set_drained(true);
  });
  container.on('sender_close', (context: EventContext) => detachConsumer(context.connection, context.sender as Sender));
  container.on('connection_close', (context: EventContext) => dropConnection(context.connection));
  container.on('disconnected', (context: EventContext) => dropConnection(context.connection));
  // Client-caused protocol errors must not crash the test process; the client sees them itself.
  container.on('error', () => undefined);

  function receiveSent(entity: ResolvedEntity, delivery: Delivery, received: unknown, format?: number): void {
    const target = entity.target;
    if (!target) return;
    let messages: Message[];
    let size: number;
    try {
      messages = format === BATCH_FORMAT ? batchMessages(decode(received as Buffer)) : [format ? decode(received as Buffer) : (received as Message)];
      size = format ? (received as Buffer).length : amqpMessage.encode(received as Message).length;
    } catch (error) {
      delivery.reject({
        condition: 'amqp:decode-error',
        description: String(error),
      });
      return;
    }
    // Whole or not at all: a batch that breaks a rule is refused before any of it is stored.
    try {
      if (size > maxMessageSize)
        throw new AmqpConditionError(
          'amqp:link:message-size-exceeded',
          `The received message (delivery-id:${String(delivery.id)}, size:${size} bytes) exceeds the limit (${maxMessageSize} bytes) currently allowed on the link.`,
        );
      for (const message of messages) target.check(message);
      for (const message of messages) target.send(message);
      delivery.accept();
    } catch (error) {
      delivery.reject({
        condition: error instanceof AmqpConditionError ? error.condition : 'amqp:internal-error',
        description: (error as Error).message,
      });
    }
  }

  const server = await listen(container);
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    port,
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        namespace.close();
        for (const connection of connections.keys()) connection.close();
        server.close(() => resolve());
        // Clients that ignore the close frame would keep the server open; their sockets go too.
        setTimeout(() => {
          for (const connection of connections.keys()) (connection as unknown as { socket?: { destroy(): void } }).socket?.destroy();
        }, 50).unref();
      });
      return stopped;
    },
  };
}

/** rhea types its decoder with a second, narrower `Message` interface. */
export function decode(encoded: Buffer): Message {
  return amqpMessage.decode(encoded) as unknown as Message;
}

/** A batch (format 0x80013700) carries each encoded message in its own data section. */
function batchMessages(batch: Message): Message[] {
  const body = batch.body as { multiple?: boolean; content?: Buffer | Buffer[] } | undefined;
  const sections = body?.multiple ? (body.content as Buffer[]) : body?.content ? [body.content as Buffer] : [];
  return sections.map(decode);
}

function listen(container: ReturnType<typeof create_container>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = container.listen({
      port: 0,
      host: '127.0.0.1',
    }) as unknown as Server;
    server.once('listening', () => resolve(server));
    server.once('error', (cause) => reject(new ServiceBusBrokerError('BROKER_LISTEN_FAILED', 'The Service Bus test broker could not listen.', { cause })));
  });
}
