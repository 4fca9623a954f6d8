import { describe, expect, it } from '@jest/globals';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import Long from 'long';
import { fromServiceBusMessage, toBigInt, toLong, toServiceBusMessage } from './azure-message.mapper';

const screen = { maxBytes: 1024, entity: 'agent-tasks' } as const;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const body = {
  taskId: 't-1',
  kind: 'reconcile',
  clientId: 'client-1',
  parameters: { n: 1 },
  requestedBy: 'ops',
};

function received(overrides: Partial<ServiceBusReceivedMessage> = {}): ServiceBusReceivedMessage {
  return {
    body: Buffer.from(JSON.stringify(body)),
    messageId: 'm-1',
    applicationProperties: { traceparent, attempt: 2 },
    sequenceNumber: Long.fromString('9007199254740993'),
    deliveryCount: 0,
    enqueuedTimeUtc: new Date('2026-01-02T03:04:05Z'),
    lockedUntilUtc: new Date('2026-01-02T03:05:05Z'),
    lockToken: '6f1c4f5e-2d7a-4b8c-9e0f-1a2b3c4d5e6f',
    state: 'active',
    ...overrides,
  } as ServiceBusReceivedMessage;
}

describe('Azure message mapping', () => {
  it('sends the body as UTF-8 JSON with its content type and keeps id, correlation, session, subject and trace context', () => {
    const sent = toServiceBusMessage({
      body,
      messageId: 'm-1',
      correlationId: 'c-1',
      sessionId: 's-1',
      subject: 'start',
      applicationProperties: { traceparent },
    });
    expect(sent.contentType).toBe('application/json');
    expect(JSON.parse((sent.body as Buffer).toString('utf8'))).toEqual(body);
    expect(sent).toMatchObject({
      messageId: 'm-1',
      correlationId: 'c-1',
      sessionId: 's-1',
      subject: 'start',
      applicationProperties: { traceparent },
    });
  });

  it('gives every message without an id a fresh UUID, so duplicate detection never merges two of them', () => {
    const a = toServiceBusMessage({ body });
    const b = toServiceBusMessage({ body });
    expect(a.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('decodes a JSON body, and reports one that is not UTF-8 JSON within the limit or not the contract instead of passing it on', () => {
    const got = (raw: unknown) => fromServiceBusMessage(received({ body: raw }), 'received', screen);
    expect(got(Buffer.from(JSON.stringify(body)))).toMatchObject({ body });
    expect(got(Buffer.from(JSON.stringify(body))).bodyProblem).toBeUndefined();
    const notJson = got(new Uint8Array(Buffer.from('plain words')));
    expect(notJson.body).toBeUndefined();
    expect(notJson.bodyProblem?.reason).toBe('BodyNotJson');
    expect(Buffer.from(notJson.rawBody ?? []).toString()).toBe('plain words');
    expect(got(Buffer.from([0x7b, 0xff, 0x7d])).bodyProblem?.reason).toBe('BodyNotUtf8');
    expect(got(Buffer.alloc(1025, 0x20)).bodyProblem?.reason).toBe('BodyTooLarge');
    // Another client's AMQP value section is not the JSON data section the platform sends.
    expect(got({ already: 'decoded' }).bodyProblem?.reason).toBe('BodyNotJson');
    const off = got(Buffer.from(JSON.stringify({ ...body, taskId: 7 })));
    expect(off.body).toMatchObject({ taskId: 7 });
    expect(off.bodyProblem).toMatchObject({ reason: 'ContractViolation' });
    expect(off.bodyProblem?.description).toContain('taskId');
  });

  it('counts deliveries from 1 for a received message (the AMQP header counts earlier attempts from 0), and leaves a peeked count as is', () => {
    expect(fromServiceBusMessage(received({ deliveryCount: 0 }), 'received', screen).deliveryCount).toBe(1);
    expect(fromServiceBusMessage(received({ deliveryCount: 2 }), 'received', screen).deliveryCount).toBe(3);
    expect(fromServiceBusMessage(received({ deliveryCount: 0 }), 'peeked', screen).deliveryCount).toBe(0);
  });

  it('maps sequence numbers beyond 2^53 exactly, both ways', () => {
    const message = fromServiceBusMessage(received(), 'received', screen);
    expect(message.sequenceNumber).toBe(9007199254740993n);
    expect(toLong(9007199254740993n).toString()).toBe('9007199254740993');
    expect(toBigInt(toLong(123n))).toBe(123n);
  });

  it('exposes lock details only on a received message, and dead-letter reason and description', () => {
    const dead = received({
      deadLetterReason: 'schema-invalid',
      deadLetterErrorDescription: 'taskId: required',
    });
    const got = fromServiceBusMessage(dead, 'received', screen);
    expect(got).toMatchObject({
      body,
      messageId: 'm-1',
      applicationProperties: { traceparent, attempt: 2 },
      lockToken: '6f1c4f5e-2d7a-4b8c-9e0f-1a2b3c4d5e6f',
      deadLetterReason: 'schema-invalid',
      deadLetterErrorDescription: 'taskId: required',
      state: 'active',
    });
    expect(got.enqueuedAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    const peeked = fromServiceBusMessage(received({ state: 'deferred' }), 'peeked', screen);
    expect(peeked.lockToken).toBeUndefined();
    expect(peeked.lockedUntil).toBeUndefined();
    expect(peeked.state).toBe('deferred');
  });

  it('turns application property values the port cannot carry (dates, nested values) into strings instead of dropping them', () => {
    const at = new Date('2026-05-06T07:08:09Z');
    const got = fromServiceBusMessage(
      received({
        applicationProperties: { at, n: 1, flag: false, nothing: null },
      }),
      'received',
      screen,
    );
    expect(got.applicationProperties).toEqual({
      at: '2026-05-06T07:08:09.000Z',
      n: 1,
      flag: false,
    });
  });
});
