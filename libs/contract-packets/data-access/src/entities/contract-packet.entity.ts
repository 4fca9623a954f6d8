import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A packet in the registry: one source file, its current version and where it stands. */
@Entity({ name: 'graph_contract_packets' })
export class ContractPacketEntity {
  @PrimaryColumn({ name: 'packet_id', type: 'varchar', length: 64 })
  packetId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ name: 'item_id', type: 'varchar', length: 200 })
  itemId!: string;

  @Column({ type: 'varchar', length: 400 })
  name!: string;

  @Column({ type: 'varchar', length: 8, nullable: true })
  format!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  etag!: string | null;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'quick_xor_hash', type: 'varchar', length: 40, nullable: true })
  quickXorHash!: string | null;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  kind!: string | null;

  @Column({ name: 'period_id', type: 'varchar', length: 64, nullable: true })
  periodId!: string | null;

  @Column({ name: 'lake_key', type: 'varchar', length: 200, nullable: true })
  lakeKey!: string | null;

  /** JSON list of TermConflict, while the packet waits for review. */
  @Column({ type: 'text', nullable: true })
  conflicts!: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 200, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
