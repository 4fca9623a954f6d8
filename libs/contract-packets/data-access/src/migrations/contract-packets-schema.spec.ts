import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape } from '@leaf/persistence/testing';
import { contractPacketsMigrations } from './1734000000000-contract-packets-schema';

const tables = ['graph_contract_packets', 'graph_contract_packet_versions', 'contract_packet_terms', 'contract_packet_source_state'];

describe('contract-packets schema on PostgreSQL', () => {
  let pglite: DataSource;

  beforeAll(async () => {
    pglite = await createDataSource({ kind: 'pglite' }, { migrations: [...postgresMigrations, ...contractPacketsMigrations.postgres] }).initialize();
    await runMigrations(pglite);
  });
  afterAll(() => pglite?.destroy());

  it('creates the registry, its versions and terms, chained by foreign keys', async () => {
    const shape = await postgresSchemaShape(pglite, tables);
    expect(Object.keys(shape).sort()).toEqual([...tables].sort());
    expect(shape['graph_contract_packet_versions']?.foreignKeys).toEqual([
      { columns: ['packet_id'], references: { table: 'graph_contract_packets', columns: ['packet_id'] } },
    ]);
    expect(shape['contract_packet_terms']?.foreignKeys).toEqual([
      { columns: ['packet_id', 'version'], references: { table: 'graph_contract_packet_versions', columns: ['packet_id', 'version'] } },
    ]);
    expect(shape['contract_packet_terms']?.columns['guaranteed_value']).toEqual({ type: 'decimal(14,6)', nullable: true });
  });

  it('reverts cleanly', async () => {
    for (let i = 0; i < contractPacketsMigrations.postgres.length; i++) await pglite.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(pglite);
    for (const t of tables) expect(shape[t]).toBeUndefined();
    expect(shape['contract_guarantees']).toBeDefined();
  });
});
