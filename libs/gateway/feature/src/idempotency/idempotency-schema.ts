import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's Idempotency-Key records: one row per (caller, route, key), the hash of the body it
 * came with, and the response once there is one. Plain types that read the same on SQL Server.
 */
const table = (timestamp: string) => `CREATE TABLE gateway_idempotency_keys (
    scope_sha256 CHAR(64) NOT NULL PRIMARY KEY,
    request_sha256 CHAR(64) NOT NULL,
    status INTEGER NULL,
    content_type VARCHAR(200) NULL,
    body TEXT NULL,
    created_at ${timestamp} NOT NULL,
    expires_at ${timestamp} NOT NULL
  )`;

export class GatewayIdempotencyKeys1736000000000 implements MigrationInterface {
  name = 'GatewayIdempotencyKeys1736000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(table('TIMESTAMPTZ'));
    await runner.query('CREATE INDEX ix_gateway_idempotency_expires ON gateway_idempotency_keys (expires_at)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE gateway_idempotency_keys');
  }
}

export class GatewayIdempotencyKeysMssql1736000000000 implements MigrationInterface {
  name = 'GatewayIdempotencyKeys1736000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(table('DATETIMEOFFSET').replace('body TEXT', 'body NVARCHAR(MAX)'));
    await runner.query('CREATE INDEX ix_gateway_idempotency_expires ON gateway_idempotency_keys (expires_at)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE gateway_idempotency_keys');
  }
}

export const gatewayMigrations = {
  postgres: [GatewayIdempotencyKeys1736000000000],
  mssql: [GatewayIdempotencyKeysMssql1736000000000],
};
