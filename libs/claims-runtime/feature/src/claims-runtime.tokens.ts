/** The claims authority's data source (the service database unless LEAF_CLAIMS_SOURCE_URL is set). */
export const CLAIMS_DB = Symbol.for('leaf.claims-runtime.ClaimsDb');
/** The validated claims source mapping. */
export const CLAIMS_MAPPING = Symbol.for('leaf.claims-runtime.ClaimsMapping');
/** Poll interval of a run's progress stream (ms). */
export const RUN_EVENTS_POLL_MS = Symbol.for('leaf.claims-runtime.RunEventsPollMs');
/** Lease length, renewal and sweep intervals of reconciliation runs (RunLeaseTiming). */
export const RUN_LEASE_TIMING = Symbol.for('leaf.claims-runtime.RunLeaseTiming');
