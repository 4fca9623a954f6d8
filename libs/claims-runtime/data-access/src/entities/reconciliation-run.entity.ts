import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One reconciliation run: its state while it works, and its figures and artifacts once done. */
@Entity({ name: 'reconciliation_runs' })
export class ReconciliationRunEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 40 })
  runId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 32 })
  clientId!: string;

  @Column({ name: 'period_id', type: 'varchar', length: 64 })
  periodId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** Thousandths. */
  @Column({ type: 'int', default: 0 })
  progress!: number;

  @Column({ type: 'varchar', length: 64 })
  stage!: string;

  @Column({ name: 'requested_by', type: 'varchar', length: 200 })
  requestedBy!: string;

  @Column({
    name: 'created_at',
    type: 'timestamptz',
    insert: false,
    update: false,
  })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({
    name: 'error_detail',
    type: 'varchar',
    length: 1000,
    nullable: true,
  })
  errorDetail!: string | null;

  @Column({ name: 'inputs_sha256', type: 'char', length: 64, nullable: true })
  inputsSha256!: string | null;

  /** JSON, portable across SQL Server (NVARCHAR(MAX)) and PostgreSQL (TEXT). */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ type: 'text', nullable: true })
  buckets!: string | null;

  @Column({ type: 'text', nullable: true })
  artifacts!: string | null;

  @Column({
    name: 'idempotency_key',
    type: 'varchar',
    length: 200,
    nullable: true,
  })
  idempotencyKey!: string | null;

  /** The instance executing the run (an id it drew at start, not a host name). */
  @Column({ name: 'owner_id', type: 'varchar', length: 64, nullable: true })
  ownerId!: string | null;

  /** Renewed by the owner while it executes; past it, any instance may fail the run. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  /** Set once newer versions of the run's terms were promoted (see RunSupersession). */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;

  /** JSON: the packet and guarantee versions that replaced the run's terms. */
  @Column({ name: 'superseded_by', type: 'text', nullable: true })
  supersededBy!: string | null;
}
