import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape } from '@leaf/persistence/testing';
import { ReconciliationIdempotency1733000000001, ReconciliationSchema1733000000000 } from './reconciliation-schema';

const columnsOf = async (ds: DataSource, table: string) => Object.keys((await postgresSchemaShape(ds, [table]))[table]?.columns ?? {});

describe('reconciliation schema on PostgreSQL', () => {
  let pglite: DataSource;

  beforeAll(async () => {
    pglite = await createDataSource(
      { kind: 'pglite' },
      {
        migrations: [...postgresMigrations, ReconciliationSchema1733000000000, ReconciliationIdempotency1733000000001],
      },
    ).initialize();
    await runMigrations(pglite);
  });
  afterAll(() => pglite?.destroy());

  it('creates runs and their findings, an offset group on terms and one run per idempotency key', async () => {
    const shape = await postgresSchemaShape(pglite);
    expect(shape['reconciliation_findings']?.foreignKeys).toEqual([
      {
        columns: ['run_id'],
        references: { table: 'reconciliation_runs', columns: ['run_id'] },
      },
    ]);
    expect(await columnsOf(pglite, 'contract_guarantees')).toContain('offset_group');
    const insert = (runId: string) =>
      pglite.query(
        `INSERT INTO reconciliation_runs (run_id, client_id, period_id, status, stage, requested_by, idempotency_key)
         VALUES ($1, 'client-001', 'p', 'queued', 'queued', 'someone', 'key-1')`,
        [runId],
      );
    await insert('rec_1');
    await expect(insert('rec_2')).rejects.toThrow(/ux_reconciliation_runs_idempotency/);
    await pglite.query('DELETE FROM reconciliation_runs');
  });

  it('reverts cleanly, the idempotency key first', async () => {
    await pglite.undoLastMigration({ transaction: 'each' });
    expect(await columnsOf(pglite, 'reconciliation_runs')).not.toContain('idempotency_key');
    await pglite.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(pglite);
    expect(shape['reconciliation_runs']).toBeUndefined();
    expect(shape['reconciliation_findings']).toBeUndefined();
    expect(await columnsOf(pglite, 'contract_guarantees')).not.toContain('offset_group');
  });
});
