import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A source's persisted delta state (Graph's deltaLink; the folder's last listing). */
@Entity({ name: 'contract_packet_source_state' })
export class PacketSourceStateEntity {
  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 200 })
  sourceId!: string;

  @Column({ name: 'delta_cursor', type: 'text', nullable: true })
  deltaCursor!: string | null;

  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt!: Date | null;
}
