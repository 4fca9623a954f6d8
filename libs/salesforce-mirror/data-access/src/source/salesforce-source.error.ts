export const salesforceSourceErrorCodes = [
  'SALESFORCE_AUTH_FAILED',
  'SALESFORCE_LIMIT_EXCEEDED',
  'SALESFORCE_REPLICATION_WINDOW_LOST',
  'SALESFORCE_REQUEST_FAILED',
] as const;
export type SalesforceSourceErrorCode = (typeof salesforceSourceErrorCodes)[number];

/** A failure talking to Salesforce, with a stable code; never carries a token or an instance URL. */
export class SalesforceSourceError extends Error {
  override readonly name = 'SalesforceSourceError';
  constructor(
    readonly code: SalesforceSourceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isSalesforceSourceError = (e: unknown): e is SalesforceSourceError => e instanceof SalesforceSourceError;
