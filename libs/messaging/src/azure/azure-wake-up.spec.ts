import { describe, expect, it } from '@jest/globals';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import Long from 'long';
import { wakeUpMessage, wakeUpOf } from './azure-wake-up';

const original = {
  body: Buffer.from('{}'),
  messageId: 'task-1',
  correlationId: 'c-1',
  subject: 'start',
  sessionId: 's-1',
  applicationProperties: {
    lane: 'fast',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
  sequenceNumber: Long.fromNumber(42),
  state: 'active',
} as unknown as ServiceBusReceivedMessage;

describe('delayed-abandon wake-ups', () => {
  it('carry what a correlation filter and a session look at, so they reach the same subscription and session as the original', () => {
    const wake = wakeUpMessage(original, 'agent-dispatcher', 2);
    expect(wake).toMatchObject({
      correlationId: 'c-1',
      subject: 'start',
      sessionId: 's-1',
    });
    expect(wake.applicationProperties).toMatchObject({
      lane: 'fast',
      traceparent: original.applicationProperties?.['traceparent'],
    });
  });

  it('name the deferred message, its subscription and the attempts so far, and are told apart from ordinary messages', () => {
    const wake = wakeUpMessage(original, 'agent-dispatcher', 2, {
      retried: 'yes',
    });
    expect(wakeUpOf(wake)).toEqual({
      sequenceNumber: '42',
      subscription: 'agent-dispatcher',
      attempt: 2,
    });
    expect(wake.applicationProperties).toMatchObject({ retried: 'yes' });
    expect(wakeUpOf(original)).toBeUndefined();
  });

  it('never reuse the original messageId, which duplicate detection would drop', () => {
    const a = wakeUpMessage(original, '', 1);
    const b = wakeUpMessage(original, '', 1);
    expect(a.messageId).not.toBe('task-1');
    expect(a.messageId).not.toBe(b.messageId);
  });
});
