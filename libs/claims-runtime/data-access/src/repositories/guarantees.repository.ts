import { contractGuaranteeSchema, type ContractGuarantee } from '@leaf/contracts';
import type { PlannedGuarantee } from '@leaf/claims-runtime/domain';
import type { DataSource } from 'typeorm';
import { ContractGuaranteeEntity } from '../entities/contract-guarantee.entity';

/** Decimal strings from the driver carry the column's full scale; drop trailing zeros only. */
const trimRate = (value: string) => value.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

export class GuaranteesRepository {
  constructor(private readonly ds: DataSource) {}

  /** The current (highest) version of every term of a client, in a stable order. */
  async currentForClient(clientId: string): Promise<ContractGuarantee[]> {
    return (await this.currentRows(clientId)).map(toContract);
  }

  /** The current version of every term of one contract period, with its offset group. */
  async currentForPeriod(clientId: string, periodId: string): Promise<PlannedGuarantee[]> {
    const rows = (await this.currentRows(clientId)).filter((r) => r.periodId === periodId);
    return rows.map(toPlanned);
  }

  /**
   * Every version of every term of one contract period, oldest first: a reconciliation plans from
   * all of them, since an amendment in force from July leaves the version before it governing
   * January to June (see termsInForce).
   */
  async versionsForPeriod(clientId: string, periodId: string): Promise<PlannedGuarantee[]> {
    const rows = await this.ds
      .getRepository(ContractGuaranteeEntity)
      .createQueryBuilder('g')
      .where('g.client_id = :clientId AND g.period_id = :periodId', {
        clientId,
        periodId,
      })
      .orderBy('g.guarantee_id', 'ASC')
      .addOrderBy('g.version', 'ASC')
      .getMany();
    return rows.map(toPlanned);
  }

  private currentRows(clientId: string): Promise<ContractGuaranteeEntity[]> {
    return this.ds
      .getRepository(ContractGuaranteeEntity)
      .createQueryBuilder('g')
      .where('g.client_id = :clientId', { clientId })
      .andWhere((qb) => {
        const latest = qb.subQuery().select('MAX(g2.version)').from(ContractGuaranteeEntity, 'g2').where('g2.guarantee_id = g.guarantee_id').getQuery();
        return `g.version = ${latest}`;
      })
      .orderBy('g.period_id', 'ASC')
      .addOrderBy('g.guarantee_id', 'ASC')
      .getMany();
  }
}

/** A DATE as the driver returns it (a string, or a Date at UTC midnight) as `YYYY-MM-DD`. */
const isoDate = (value: string | Date | null): string | null =>
  value === null ? null : typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);

const toPlanned = (r: ContractGuaranteeEntity): PlannedGuarantee => ({
  ...toContract(r),
  offsetGroup: r.offsetGroup,
  findingOverlap: r.findingOverlap === 'keep' ? 'keep' : 'deduct',
});

function toContract(r: ContractGuaranteeEntity): ContractGuarantee {
  return contractGuaranteeSchema.parse({
    guaranteeId: r.guaranteeId,
    clientId: r.clientId,
    periodId: r.periodId,
    version: r.version,
    metric: r.metric,
    channel: r.channel,
    drugType: r.drugType,
    guaranteedValue: trimRate(r.guaranteedValue),
    method: r.method,
    exclusions: r.exclusions ? r.exclusions.split(',') : [],
    evidence: {
      sourceSystem: r.evidenceSource,
      objectId: r.evidenceObjectId,
      sha256: r.evidenceSha256,
      locator: r.evidenceLocator,
    },
    effectiveFrom: isoDate(r.effectiveFrom),
    effectiveTo: isoDate(r.effectiveTo),
  });
}
