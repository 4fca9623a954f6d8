import { CodedError, codedErrorGuard } from '@leaf/contracts';

export type ClaimsSourceErrorCode =
  | 'CLAIMS_SOURCE_WRITE_REFUSED'
  | 'CLAIMS_SOURCE_UNSUPPORTED'
  | 'CLAIMS_SOURCE_QUERY_FAILED'
  /** A query needs an optional claim field the mapping does not map. */
  | 'CLAIMS_SOURCE_FIELD_UNMAPPED';

/** A claims source failure; the feature maps it to problem+json (500 / 502), never leaking the SQL. */
export class ClaimsSourceError extends CodedError<ClaimsSourceErrorCode> {
  override readonly name = 'ClaimsSourceError';
}

export const isClaimsSourceError = codedErrorGuard(ClaimsSourceError);
