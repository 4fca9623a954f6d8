import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One finding of a run; `seq` is its position in the run's stable order and the paging cursor. */
@Entity({ name: 'reconciliation_findings' })
export class ReconciliationFindingEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 40 })
  runId!: string;

  @PrimaryColumn({ type: 'int' })
  seq!: number;

  @Column({ name: 'finding_id', type: 'varchar', length: 120 })
  findingId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'claim_id', type: 'varchar', length: 40, nullable: true })
  claimId!: string | null;

  @Column({ name: 'guarantee_id', type: 'varchar', length: 64, nullable: true })
  guaranteeId!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  channel!: string | null;

  @Column({ name: 'drug_type', type: 'varchar', length: 8, nullable: true })
  drugType!: string | null;

  @Column({ type: 'decimal', precision: 14, scale: 2 })
  impact!: string;

  @Column({ type: 'varchar', length: 1000 })
  detail!: string;

  @Column({ name: 'claim_count', type: 'int' })
  claimCount!: number;

  /** JSON array of evidence references. */
  @Column({ type: 'text' })
  evidence!: string;
}
