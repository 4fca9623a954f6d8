import { message as amqpMessage, types, type Message } from 'rhea';
import type { ResolvedEntity } from './broker-namespace';
import { uuidBytesToString, uuidStringToBytes } from './lock-token';
import { AmqpConditionError, type MessageStore } from './message-store';

type Body = Record<string, unknown>;

interface ManagementReply {
  readonly statusCode: number;
  readonly body?: unknown;
}

function asNumber(value: unknown): number {
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE(0));
  return Number(value);
}

function asLockToken(value: unknown): string {
  return Buffer.isBuffer(value) ? uuidBytesToString(value) : String(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function requireStore(entity: ResolvedEntity): MessageStore {
  if (!entity.store) throw new AmqpConditionError('amqp:not-found', 'This entity has no messages to manage.', 404);
  return entity.store;
}

const handlers: Record<string, (entity: ResolvedEntity, body: Body) => ManagementReply> = {
  'com.microsoft:renew-lock': (entity, body) => {
    const store = requireStore(entity);
    const expirations = list(body['lock-tokens']).map((t) => store.renewLock(asLockToken(t)));
    return { statusCode: 200, body: { expirations } };
  },

  'com.microsoft:peek-message': (entity, body) => {
    const store = requireStore(entity);
    const found = store.peek(asNumber(body['from-sequence-number']), asNumber(body['message-count']), optionalString(body['session-id']));
    // Service Bus answers an empty peek with 204 and no body; the SDK checks for exactly that.
    if (found.length === 0) return { statusCode: 204 };
    return {
      statusCode: 200,
      body: {
        messages: found.map((m) => ({
          message: amqpMessage.encode(store.wireMessage(m)),
        })),
      },
    };
  },

  'com.microsoft:schedule-message': (entity, body) => {
    const target = entity.target;
    if (!target) throw new AmqpConditionError('amqp:not-found', 'Messages can only be scheduled on a queue or topic.', 404);
    const sequenceNumbers = list(body['messages']).map((entry) => {
      const encoded = (entry as Body)['message'] as Buffer;
      const decoded = amqpMessage.decode(encoded) as unknown as Message;
      const at = decoded.message_annotations?.['x-opt-scheduled-enqueue-time'] as Date | number | undefined;
      return target.schedule(decoded, at === undefined ? Date.now() : new Date(at).getTime());
    });
    return {
      statusCode: 200,
      body: {
        'sequence-numbers': types.wrap_array(sequenceNumbers, 0x81, undefined),
      },
    };
  },

  'com.microsoft:cancel-scheduled-message': (entity, body) => {
    const target = entity.target;
    if (!target) throw new AmqpConditionError('amqp:not-found', 'Not a queue or topic.', 404);
    for (const seq of list(body['sequence-numbers'])) target.cancelScheduled(asNumber(seq));
    return { statusCode: 200, body: {} };
  },

  'com.microsoft:receive-by-sequence-number': (entity, body) => {
    const store = requireStore(entity);
    const received = store.receiveDeferred(
      list(body['sequence-numbers']).map(asNumber),
      asNumber(body['receiver-settle-mode']) === 0,
      optionalString(body['session-id']),
    );
    const messages = received.map(({ stored, token }) => ({
      ...(token ? { 'lock-token': types.wrap_uuid(uuidStringToBytes(token)) } : {}),
      message: amqpMessage.encode(store.wireMessage(stored)),
    }));
    return { statusCode: 200, body: { messages } };
  },

  'com.microsoft:update-disposition': (entity, body) => {
    const store = requireStore(entity);
    const details = {
      reason: optionalString(body['deadletter-reason']),
      description: optionalString(body['deadletter-description']),
      properties: (body['properties-to-modify'] as Record<string, unknown> | undefined) ?? undefined,
    };
    for (const token of list(body['lock-tokens'])) {
      store.updateDisposition(asLockToken(token), String(body['disposition-status']), details);
    }
    return { statusCode: 200, body: {} };
  },

  'com.microsoft:renew-session-lock': (entity, body) => ({
    statusCode: 200,
    body: {
      expiration: requireStore(entity).renewSessionLock(String(body['session-id'])),
    },
  }),

  'com.microsoft:get-session-state': (entity, body) => ({
    statusCode: 200,
    body: {
      'session-state': requireStore(entity).getSessionState(String(body['session-id'])) ?? null,
    },
  }),

  'com.microsoft:set-session-state': (entity, body) => {
    const state = body['session-state'];
    requireStore(entity).setSessionState(String(body['session-id']), Buffer.isBuffer(state) ? state : undefined);
    return { statusCode: 200, body: {} };
  },
};

/** Answers one `$management` request; failures become a status code plus `error-condition`. */
export function handleManagementRequest(entity: ResolvedEntity, request: Message): Message {
  const operation = String(request.application_properties?.['operation'] ?? '');
  const handler = handlers[operation];
  try {
    if (!handler) throw new AmqpConditionError('amqp:not-implemented', `Operation '${operation}' is not supported.`, 501);
    const reply = handler(entity, (request.body ?? {}) as Body);
    return {
      correlation_id: request.message_id,
      application_properties: {
        statusCode: reply.statusCode,
        statusDescription: 'OK',
      },
      body: reply.body === undefined ? undefined : types.wrap_map(reply.body as Body),
    };
  } catch (error) {
    const failure = error instanceof AmqpConditionError ? error : new AmqpConditionError('amqp:internal-error', String(error), 500);
    return {
      correlation_id: request.message_id,
      application_properties: {
        statusCode: failure.statusCode,
        statusDescription: failure.message,
        'error-condition': failure.condition,
      },
      body: undefined,
    };
  }
}
