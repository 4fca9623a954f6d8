import { Column, Entity, OneToMany, PrimaryColumn, type Relation } from 'typeorm';
import { ContractPeriodEntity } from './contract-period.entity';

@Entity({ name: 'clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  segment!: string;

  @Column({ name: 'member_count', type: 'int' })
  memberCount!: number;

  @OneToMany(() => ContractPeriodEntity, (p) => p.client)
  periods!: Relation<ContractPeriodEntity[]>;
}
