import { isAppError } from '../errors/app-error';
import { idempotencyKeyOf } from './idempotency-key';

const failure = (header: string | string[]) => {
  try {
    idempotencyKeyOf(header);
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('idempotencyKeyOf', () => {
  it('is undefined without the header and the key itself when it keeps the rule', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('0b9d6c7e-5f1a-4e39-9a51-3c2b7d8e1f60')).toBe('0b9d6c7e-5f1a-4e39-9a51-3c2b7d8e1f60');
  });

  it('refuses a key that breaks the rule with 400 VALIDATION_FAILED naming the header', () => {
    const error = failure('short');
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, detail: 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -' });
    expect(error.errors).toEqual([{ path: 'Idempotency-Key', message: 'Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -' }]);
  });

  it('refuses the header sent twice', () => {
    expect(failure(['key-one-1', 'key-two-2']).errors).toEqual([{ path: 'Idempotency-Key', message: 'sent more than once' }]);
  });
});
