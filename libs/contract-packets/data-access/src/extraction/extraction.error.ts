import { CodedError, codedErrorGuard } from '@leaf/contracts';

export const extractionErrorCodes = ['encrypted', 'unreadable', 'unsupported-format'] as const;
export type ExtractionErrorCode = (typeof extractionErrorCodes)[number];

/** A packet whose bytes cannot be turned into text: the packet is rejected with this code, never crashes a sync. */
export class ExtractionError extends CodedError<ExtractionErrorCode> {
  override readonly name = 'ExtractionError';
}

export const isExtractionError = codedErrorGuard(ExtractionError);
