import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PacketTermEffectiveRange1734000000010 } from './1734000000010-packet-term-effective-range';

/**
 * The packet registry (one row per source file, its current version and status), every version
 * seen (eTag, hashes, outcome), the terms extracted from each version with their locators, and
 * each source's delta state. Rates stay NUMERIC; no URL or local path has a column.
 */
export const contractPacketsSchemaPostgres: readonly string[] = [
  `CREATE TABLE graph_contract_packets (
    packet_id VARCHAR(64) PRIMARY KEY,
    client_id VARCHAR(32) NOT NULL,
    source VARCHAR(16) NOT NULL,
    item_id VARCHAR(200) NOT NULL,
    name VARCHAR(400) NOT NULL,
    format VARCHAR(8) NULL,
    etag VARCHAR(200) NULL,
    size BIGINT NOT NULL,
    sha256 CHAR(64) NULL,
    quick_xor_hash VARCHAR(40) NULL,
    version INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    reason VARCHAR(2000) NULL,
    kind VARCHAR(16) NULL,
    period_id VARCHAR(64) NULL,
    lake_key VARCHAR(200) NULL,
    conflicts TEXT NULL,
    decided_by VARCHAR(200) NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_graph_contract_packets_item UNIQUE (source, item_id)
  )`,
  `CREATE INDEX ix_graph_contract_packets_client ON graph_contract_packets (client_id, packet_id)`,
  `CREATE TABLE graph_contract_packet_versions (
    packet_id VARCHAR(64) NOT NULL REFERENCES graph_contract_packets(packet_id),
    version INTEGER NOT NULL,
    etag VARCHAR(200) NULL,
    size BIGINT NOT NULL,
    sha256 CHAR(64) NULL,
    quick_xor_hash VARCHAR(40) NULL,
    status VARCHAR(16) NOT NULL,
    reason VARCHAR(2000) NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (packet_id, version)
  )`,
  `CREATE TABLE contract_packet_terms (
    packet_id VARCHAR(64) NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    guarantee_id VARCHAR(64) NOT NULL,
    metric VARCHAR(32) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    drug_type VARCHAR(8) NULL,
    guaranteed_value NUMERIC(14,6) NULL,
    method VARCHAR(16) NOT NULL,
    exclusions VARCHAR(200) NOT NULL,
    locator VARCHAR(200) NOT NULL,
    source_text VARCHAR(500) NOT NULL,
    PRIMARY KEY (packet_id, version, seq),
    FOREIGN KEY (packet_id, version) REFERENCES graph_contract_packet_versions(packet_id, version)
  )`,
  `CREATE TABLE contract_packet_source_state (
    source_id VARCHAR(200) PRIMARY KEY,
    delta_cursor TEXT NULL,
    last_sync_at TIMESTAMPTZ NULL
  )`,
];

export class ContractPacketsSchema1734000000000 implements MigrationInterface {
  name = 'ContractPacketsSchema1734000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of contractPacketsSchemaPostgres) await runner.query(statement);
  }

  down(runner: QueryRunner): Promise<void> {
    return dropAll(runner);
  }
}

const dropAll = async (runner: QueryRunner) => {
  for (const table of ['contract_packet_source_state', 'contract_packet_terms', 'graph_contract_packet_versions', 'graph_contract_packets']) {
    await runner.query(`DROP TABLE ${table}`);
  }
};

/** The packet registry is operational state: PostgreSQL (PGlite locally) only. */
export const contractPacketsMigrations = { postgres: [ContractPacketsSchema1734000000000, PacketTermEffectiveRange1734000000010] };
