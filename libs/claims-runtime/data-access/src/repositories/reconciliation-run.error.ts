import { CodedError, codedErrorGuard } from '@leaf/contracts';

export type ReconciliationRunErrorCode = 'RUN_NOT_OWNED';

/**
 * `RUN_NOT_OWNED`: a write to a run by an instance that no longer holds it (its lease expired and
 * the run was failed, or the run is already finished). The executor stops; nothing it did lands.
 */
export class ReconciliationRunError extends CodedError<ReconciliationRunErrorCode> {
  override readonly name = 'ReconciliationRunError';
}

export const isReconciliationRunError = codedErrorGuard(ReconciliationRunError);
