import { CodedError, codedErrorGuard } from '@leaf/contracts';

/** Why the chart check could not run at all (as opposed to charts that failed it). */
export type ChartsCheckErrorCode = 'HELM_MISSING' | 'HELM_FAILED' | 'NO_CHARTS' | 'BAD_MANIFEST';

export class ChartsCheckError extends CodedError<ChartsCheckErrorCode> {
  override readonly name = 'ChartsCheckError';
}

export const isChartsCheckError = codedErrorGuard(ChartsCheckError);
