import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One version of one contracted term; money and rates stay decimal strings end to end. */
@Entity({ name: 'contract_guarantees' })
export class ContractGuaranteeEntity {
  @PrimaryColumn({ name: 'guarantee_id', type: 'varchar', length: 64 })
  guaranteeId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @Column({ name: 'period_id', type: 'varchar', length: 64 })
  periodId!: string;

  @Column({ type: 'varchar', length: 32 })
  metric!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  channel!: string | null;

  @Column({ name: 'drug_type', type: 'varchar', length: 8, nullable: true })
  drugType!: string | null;

  @Column({
    name: 'guaranteed_value',
    type: 'decimal',
    precision: 14,
    scale: 6,
  })
  guaranteedValue!: string;

  @Column({ type: 'varchar', length: 16 })
  method!: string;

  /** Comma-separated exclusion codes, portable across SQL Server and PostgreSQL. */
  @Column({ type: 'varchar', length: 200 })
  exclusions!: string;

  @Column({ name: 'evidence_source', type: 'varchar', length: 32 })
  evidenceSource!: string;

  @Column({ name: 'evidence_object_id', type: 'varchar', length: 128 })
  evidenceObjectId!: string;

  @Column({ name: 'evidence_sha256', type: 'char', length: 64, nullable: true })
  evidenceSha256!: string | null;

  @Column({ name: 'evidence_locator', type: 'varchar', length: 200 })
  evidenceLocator!: string;

  /** Terms sharing a group may net surplus against shortfall (added by the reconciliation schema). */
  @Column({ name: 'offset_group', type: 'varchar', length: 32, nullable: true })
  offsetGroup!: string | null;

  /** `keep`: the term measures claims with per-claim findings as paid; NULL or `deduct`: it does not. */
  @Column({
    name: 'finding_overlap',
    type: 'varchar',
    length: 8,
    nullable: true,
  })
  findingOverlap!: string | null;

  /** When this version is in force within the period; NULL: from its start / to its end. */
  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom!: string | null;

  @Column({ name: 'effective_to', type: 'date', nullable: true })
  effectiveTo!: string | null;
}
