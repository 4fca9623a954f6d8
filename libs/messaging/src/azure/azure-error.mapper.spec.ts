import { describe, expect, it } from '@jest/globals';
import { ServiceBusError } from '@azure/service-bus';
import { isMessagingError, MessagingError } from '../port/messaging.error';
import { mapErrors, toMessagingError } from './azure-error.mapper';

describe('toMessagingError', () => {
  it.each([
    ['MessageLockLost', 'MESSAGE_LOCK_LOST'],
    ['SessionLockLost', 'SESSION_LOCK_LOST'],
    ['MessageNotFound', 'MESSAGE_NOT_FOUND'],
    ['MessagingEntityNotFound', 'MESSAGING_ENTITY_UNKNOWN'],
    ['MessageSizeExceeded', 'MESSAGE_SIZE_EXCEEDED'],
    ['ServiceBusy', 'MESSAGING_UNAVAILABLE'],
    ['ServiceTimeout', 'MESSAGING_UNAVAILABLE'],
    ['UnauthorizedAccess', 'MESSAGING_UNAVAILABLE'],
  ] as const)('maps the SDK code %s to %s, keeping the SDK error as cause', (sdkCode, code) => {
    const sdkError = new ServiceBusError('from the service', sdkCode);
    const mapped = toMessagingError(sdkError, 'complete');
    expect(isMessagingError(mapped, code)).toBe(true);
    expect(mapped.cause).toBe(sdkError);
    expect(mapped.message).toContain(sdkCode);
    expect(mapped.message).toContain('complete');
  });

  it("maps Service Bus's refusal of a session entity's message without a session id to MESSAGING_SESSION_REQUIRED", () => {
    // The SDK has no code of its own for it: an invalid operation, told by its text.
    const refused = toMessagingError(
      new ServiceBusError('InvalidOperationError: The SessionId was not set on a message, and it cannot be sent to the entity.', 'GeneralError'),
      'send to per-claim',
    );
    expect(refused.code).toBe('MESSAGING_SESSION_REQUIRED');
  });

  it("maps the SDK's untyped errors for a second settlement and for a closed link", () => {
    const twice = toMessagingError(new Error('The message has either been deleted or already settled'), 'abandon');
    expect(twice.code).toBe('MESSAGE_LOCK_LOST');
    const closed = toMessagingError(new Error('The sender for "agent-tasks" has been closed and can no longer be used.'), 'send');
    expect(closed.code).toBe('MESSAGING_CLOSED');
    expect(toMessagingError('boom', 'peek').code).toBe('MESSAGING_UNAVAILABLE');
  });

  it('passes a MessagingError through unchanged', () => {
    const original = new MessagingError('MESSAGING_PAYLOAD_INVALID', 'too big');
    expect(toMessagingError(original, 'send')).toBe(original);
  });

  it('mapErrors returns the value of a call that succeeds and rethrows a failure mapped', async () => {
    await expect(mapErrors('peek', async () => 42)).resolves.toBe(42);
    await expect(
      mapErrors('renew lock', async () => {
        throw new ServiceBusError('lock gone', 'MessageLockLost');
      }),
    ).rejects.toMatchObject({
      name: 'MessagingError',
      code: 'MESSAGE_LOCK_LOST',
    });
  });
});
