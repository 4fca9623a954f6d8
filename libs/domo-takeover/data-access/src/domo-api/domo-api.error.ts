export const domoSourceErrorCodes = ['DOMO_AUTH_FAILED', 'DOMO_NOT_FOUND', 'DOMO_UNAVAILABLE', 'DOMO_BAD_RESPONSE', 'DOMO_SOURCE_INVALID'] as const;
export type DomoSourceErrorCode = (typeof domoSourceErrorCodes)[number];

/** A Domo source failure. Messages never carry the client secret, a token or a local path. */
export class DomoSourceError extends Error {
  constructor(
    readonly code: DomoSourceErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.name = 'DomoSourceError';
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

export function isDomoSourceError(e: unknown): e is DomoSourceError {
  return e instanceof DomoSourceError;
}
