import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ClientEntity } from './client.entity';

@Entity({ name: 'contract_periods' })
export class ContractPeriodEntity {
  @PrimaryColumn({ name: 'period_id', type: 'varchar', length: 64 })
  periodId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @ManyToOne(() => ClientEntity, (c) => c.periods)
  @JoinColumn({ name: 'client_id' })
  client!: Relation<ClientEntity>;

  @Column({ name: 'pbm_name', type: 'varchar', length: 100 })
  pbmName!: string;

  /** DATE columns stay strings: a calendar date has no time zone to shift it. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;
}
