import { LakeError } from '../errors/lake.error';
import { safeCause } from '../errors/safe-cause';

/** HTTP status of an Azure SDK error (RestError), matched by shape so duplicate SDK copies still work. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Service error code such as `BlobAlreadyExists`, when the SDK parsed one. */
export function serviceCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A RestError holds the request (URL, possibly with a SAS token, and headers), so it never becomes
 * a cause as is; only status and service code survive.
 */
export function unavailable(what: string, error: unknown): LakeError {
  const status = statusOf(error);
  const detail = status === undefined ? '' : ` (HTTP ${status}${serviceCodeOf(error) ? ` ${serviceCodeOf(error)}` : ''})`;
  return new LakeError('LAKE_UNAVAILABLE', `${what} failed${detail}`, { cause: safeCause(error) });
}
