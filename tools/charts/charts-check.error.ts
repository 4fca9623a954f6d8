/** Why the chart check could not run at all (as opposed to charts that failed it). */
export type ChartsCheckErrorCode = 'HELM_MISSING' | 'HELM_FAILED' | 'NO_CHARTS' | 'BAD_MANIFEST';

export class ChartsCheckError extends Error {
  override readonly name = 'ChartsCheckError';
  constructor(
    readonly code: ChartsCheckErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isChartsCheckError = (error: unknown): error is ChartsCheckError => error instanceof ChartsCheckError;
