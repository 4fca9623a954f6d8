import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A term extracted from one packet version, with the cell or page it came from. */
@Entity({ name: 'contract_packet_terms' })
export class ContractPacketTermEntity {
  @PrimaryColumn({ name: 'packet_id', type: 'varchar', length: 64 })
  packetId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @PrimaryColumn({ type: 'int' })
  seq!: number;

  @Column({ name: 'guarantee_id', type: 'varchar', length: 64 })
  guaranteeId!: string;

  @Column({ type: 'varchar', length: 32 })
  metric!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ name: 'drug_type', type: 'varchar', length: 8, nullable: true })
  drugType!: string | null;

  /** Null: the packet states the bucket is not guaranteed. */
  @Column({ name: 'guaranteed_value', type: 'decimal', precision: 14, scale: 6, nullable: true })
  guaranteedValue!: string | null;

  @Column({ type: 'varchar', length: 16 })
  method!: string;

  @Column({ type: 'varchar', length: 200 })
  exclusions!: string;

  @Column({ type: 'varchar', length: 200 })
  locator!: string;

  @Column({ name: 'source_text', type: 'varchar', length: 500 })
  sourceText!: string;

  /** The dates the packet says the term is in force; null: the whole contract period. */
  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom!: string | null;

  @Column({ name: 'effective_to', type: 'date', nullable: true })
  effectiveTo!: string | null;
}
