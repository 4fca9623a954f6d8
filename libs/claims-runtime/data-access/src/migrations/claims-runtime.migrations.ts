import {
  ReconciliationIdempotency1733000000001,
  ReconciliationIdempotencyMssql1733000000001,
  ReconciliationSchema1733000000000,
  ReconciliationSchemaMssql1733000000000,
} from './reconciliation-schema';
import { ReconciliationRunLeases1733000000002 } from './run-leases.migration';
import { ReconciliationRunSupersession1733000000010 } from './run-supersession.migration';

/**
 * claims-runtime's own migrations, oldest first. Run ownership (leases, guarded transitions) is
 * operational state and PostgreSQL-only, so the T-SQL list stops before it.
 */
export const claimsRuntimeMigrations = {
  postgres: [
    ReconciliationSchema1733000000000,
    ReconciliationIdempotency1733000000001,
    ReconciliationRunLeases1733000000002,
    ReconciliationRunSupersession1733000000010,
  ],
  mssql: [
    ReconciliationSchemaMssql1733000000000,
    ReconciliationIdempotencyMssql1733000000001,
  ],
};
