import { ClientEntity } from './entities/client.entity';
import { ContractGuaranteeEntity } from './entities/contract-guarantee.entity';
import { ContractPeriodEntity } from './entities/contract-period.entity';

export * from './entities/client.entity';
export * from './entities/contract-period.entity';
export * from './entities/contract-guarantee.entity';
export * from './repositories/clients.repository';
export * from './repositories/guarantees.repository';
export * from './repositories/claims-summary.repository';

/** Entities the claims-runtime registers with its data source. */
export const claimsRuntimeEntities = [ClientEntity, ContractPeriodEntity, ContractGuaranteeEntity];
