import { ReconciliationIdempotency1733000000001, ReconciliationSchema1733000000000 } from './reconciliation-schema';
import { ReconciliationRunLeases1733000000002 } from './run-leases.migration';
import { ReconciliationRunSupersession1733000000010 } from './run-supersession.migration';
import { ContractGuaranteeFindingOverlap1733000000011 } from './finding-overlap.migration';
import { GuaranteeEffectiveRange1733000000012 } from './guarantee-effective-range.migration';

/**
 * claims-runtime's own migrations, oldest first. Runs, findings and their ownership are
 * operational state: PostgreSQL (PGlite locally) only.
 */
export const claimsRuntimeMigrations = {
  postgres: [
    ReconciliationSchema1733000000000,
    ReconciliationIdempotency1733000000001,
    ReconciliationRunLeases1733000000002,
    ReconciliationRunSupersession1733000000010,
    ContractGuaranteeFindingOverlap1733000000011,
    GuaranteeEffectiveRange1733000000012,
  ],
};
