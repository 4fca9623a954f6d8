import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's Idempotency-Key records: one row per (caller, route, key), the hash of the body it
 * came with, and the response once there is one.
 */
const table = `CREATE TABLE gateway_idempotency_keys (
    scope_sha256 CHAR(64) NOT NULL PRIMARY KEY,
    request_sha256 CHAR(64) NOT NULL,
    status INTEGER NULL,
    content_type VARCHAR(200) NULL,
    body TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  )`;

export class GatewayIdempotencyKeys1736000000000 implements MigrationInterface {
  name = 'GatewayIdempotencyKeys1736000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(table);
    await runner.query('CREATE INDEX ix_gateway_idempotency_expires ON gateway_idempotency_keys (expires_at)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE gateway_idempotency_keys');
  }
}

/**
 * An in-flight key holds a lease (`lease_token` names the request holding it, `lease_expires_at`
 * when a retry may take it over), so a gateway that crashes mid-request blocks the key only for
 * the lease, not for the whole TTL; and the replayed answer keeps its headers (`Location`).
 * Rows written before this migration have no lease: their `created_at` plus the lease stands in.
 */
export class GatewayIdempotencyLease1736100000000 implements MigrationInterface {
  name = 'GatewayIdempotencyLease1736100000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE gateway_idempotency_keys ADD COLUMN lease_token VARCHAR(64) NULL');
    await runner.query('ALTER TABLE gateway_idempotency_keys ADD COLUMN lease_expires_at TIMESTAMPTZ NULL');
    await runner.query('ALTER TABLE gateway_idempotency_keys ADD COLUMN response_headers TEXT NULL');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE gateway_idempotency_keys DROP COLUMN response_headers');
    await runner.query('ALTER TABLE gateway_idempotency_keys DROP COLUMN lease_expires_at');
    await runner.query('ALTER TABLE gateway_idempotency_keys DROP COLUMN lease_token');
  }
}

/**
 * The gateway's schema, in order. Its state is operational (PostgreSQL, PGlite locally): the
 * store relies on `INSERT … ON CONFLICT … RETURNING`, so there is no SQL Server variant.
 */
export const gatewayMigrations = {
  postgres: [GatewayIdempotencyKeys1736000000000, GatewayIdempotencyLease1736100000000],
};
