import { idempotencyKeyRule, idempotencyKeySchema } from '@leaf/contracts';
import { AppError } from '../errors/app-error';

/**
 * The request's Idempotency-Key, or undefined when it sent none. A key that breaks the rule (or
 * a header sent twice) is the one error every door answers: 400 VALIDATION_FAILED naming the
 * header, before anything runs.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', idempotencyKeyRule, {
    errors: [{ path: 'Idempotency-Key', message: Array.isArray(header) ? 'sent more than once' : idempotencyKeyRule }],
  });
}
