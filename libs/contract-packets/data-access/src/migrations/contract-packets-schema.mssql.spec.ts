import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { postgresSchemaShape, tsqlSchemaShape } from '@leaf/persistence/testing';
import { ContractPacketsSchema1734000000000, contractPacketsSchemaMssql } from './1734000000000-contract-packets-schema';

const tables = ['graph_contract_packets', 'graph_contract_packet_versions', 'contract_packet_terms', 'contract_packet_source_state'];

describe('contract-packets schema for SQL Server', () => {
  let pglite: DataSource;

  beforeAll(async () => {
    pglite = await createDataSource({ kind: 'pglite' }, { migrations: [...postgresMigrations, ContractPacketsSchema1734000000000] }).initialize();
    await runMigrations(pglite);
  });
  afterAll(() => pglite?.destroy());

  it('parses as T-SQL and declares the same tables as PostgreSQL created', async () => {
    const shape = await postgresSchemaShape(pglite);
    const created = tsqlSchemaShape(contractPacketsSchemaMssql);
    expect(created).toEqual(Object.fromEntries(tables.map((t) => [t, shape[t]])));
  });

  it('reverts cleanly', async () => {
    await pglite.undoLastMigration({ transaction: 'each' });
    const shape = await postgresSchemaShape(pglite);
    for (const t of tables) expect(shape[t]).toBeUndefined();
  });
});
