import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every version of a packet the source ever showed, with its hashes and outcome. */
@Entity({ name: 'graph_contract_packet_versions' })
export class ContractPacketVersionEntity {
  @PrimaryColumn({ name: 'packet_id', type: 'varchar', length: 64 })
  packetId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  etag!: string | null;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'quick_xor_hash', type: 'varchar', length: 40, nullable: true })
  quickXorHash!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  reason!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
