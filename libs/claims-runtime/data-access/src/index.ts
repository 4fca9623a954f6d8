import { ClientEntity } from './entities/client.entity';
import { ContractGuaranteeEntity } from './entities/contract-guarantee.entity';
import { ContractPeriodEntity } from './entities/contract-period.entity';
import { ReconciliationFindingEntity } from './entities/reconciliation-finding.entity';
import { ReconciliationRunEntity } from './entities/reconciliation-run.entity';

export * from './entities/client.entity';
export * from './entities/contract-period.entity';
export * from './entities/contract-guarantee.entity';
export * from './entities/reconciliation-run.entity';
export * from './entities/reconciliation-finding.entity';
export * from './repositories/clients.repository';
export * from './repositories/guarantees.repository';
export * from './repositories/claims-summary.repository';
export * from './repositories/reconciliation-runs.repository';
export * from './repositories/run-supersession.repository';
export * from './migrations/run-supersession.migration';
export * from './migrations/finding-overlap.migration';
export * from './migrations/guarantee-effective-range.migration';
export * from './migrations/reconciliation-schema';
export * from './migrations/run-leases.migration';
export * from './migrations/claims-runtime.migrations';
export * from './repositories/reconciliation-run.error';
export * from './source/claims-source-mapping';
export * from './source/claims-source';
export * from './source/claims-source.error';
export * from './source/read-only-sql';
export * from './source/reconciliation-queries';
export * from './source/sql-dialect';

/** Entities the claims-runtime registers with its data source. */
export const claimsRuntimeEntities = [ClientEntity, ContractPeriodEntity, ContractGuaranteeEntity, ReconciliationRunEntity, ReconciliationFindingEntity];
