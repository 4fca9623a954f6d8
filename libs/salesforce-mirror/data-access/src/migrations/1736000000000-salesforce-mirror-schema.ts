import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Salesforce IT-request mirror. Rows are keyed by their Salesforce id; what Salesforce deleted
 * is kept with `deleted_at` (soft delete), so a request's past stays explainable. `fields` holds
 * every described field as read (a custom field added in Setup lands there without a migration);
 * the typed columns are the ones routes filter and sort on.
 */
export const salesforceMirrorSchemaPostgres: readonly string[] = [
  `CREATE TABLE salesforce_it_requests (
    id VARCHAR(18) PRIMARY KEY,
    client_id VARCHAR(64) NULL,
    name VARCHAR(80) NOT NULL,
    subject VARCHAR(255) NULL,
    status VARCHAR(80) NULL,
    priority VARCHAR(40) NULL,
    category VARCHAR(80) NULL,
    fields JSONB NOT NULL,
    created_date TIMESTAMPTZ NULL,
    system_modstamp TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ NULL,
    mirrored_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_salesforce_it_requests_client ON salesforce_it_requests (client_id, system_modstamp DESC, id)`,
  `CREATE TABLE salesforce_request_history (
    id VARCHAR(18) PRIMARY KEY,
    request_id VARCHAR(18) NOT NULL,
    field VARCHAR(255) NOT NULL,
    old_value TEXT NULL,
    new_value TEXT NULL,
    created_date TIMESTAMPTZ NOT NULL,
    created_by_id VARCHAR(18) NULL,
    mirrored_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_salesforce_request_history_request ON salesforce_request_history (request_id, created_date)`,
  // Notes, feed items and feed comments: one shape, told apart by object_name.
  `CREATE TABLE salesforce_request_items (
    id VARCHAR(18) PRIMARY KEY,
    object_name VARCHAR(40) NOT NULL,
    request_id VARCHAR(18) NOT NULL,
    feed_item_id VARCHAR(18) NULL,
    title VARCHAR(255) NULL,
    body TEXT NULL,
    item_type VARCHAR(40) NULL,
    fields JSONB NOT NULL,
    created_date TIMESTAMPTZ NULL,
    created_by_id VARCHAR(18) NULL,
    system_modstamp TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ NULL,
    mirrored_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_salesforce_request_items_request ON salesforce_request_items (request_id, object_name, created_date)`,
  `CREATE TABLE salesforce_content_links (
    id VARCHAR(18) PRIMARY KEY,
    request_id VARCHAR(18) NOT NULL,
    content_document_id VARCHAR(18) NOT NULL,
    system_modstamp TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ NULL
  )`,
  `CREATE INDEX ix_salesforce_content_links_document ON salesforce_content_links (content_document_id)`,
  `CREATE INDEX ix_salesforce_content_links_request ON salesforce_content_links (request_id)`,
  // One row per file version; the bytes are in the lake under lake_key (content-addressed).
  `CREATE TABLE salesforce_request_files (
    content_version_id VARCHAR(18) PRIMARY KEY,
    content_document_id VARCHAR(18) NOT NULL,
    title VARCHAR(255) NOT NULL,
    path_on_client VARCHAR(500) NULL,
    file_extension VARCHAR(40) NULL,
    content_size BIGINT NULL,
    checksum_md5 VARCHAR(32) NULL,
    is_latest BOOLEAN NOT NULL,
    sha256 CHAR(64) NULL,
    lake_key VARCHAR(400) NULL,
    system_modstamp TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ NULL,
    mirrored_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX ix_salesforce_request_files_document ON salesforce_request_files (content_document_id)`,
  // Per object: the watermark, where deletes were last asked up to, and the fields selected.
  `CREATE TABLE salesforce_sync_state (
    object_name VARCHAR(40) PRIMARY KEY,
    watermark TIMESTAMPTZ NULL,
    deletes_checked_to TIMESTAMPTZ NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    full_sync_at TIMESTAMPTZ NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE salesforce_sync_runs (
    sync_id VARCHAR(40) PRIMARY KEY,
    mode VARCHAR(16) NOT NULL,
    status VARCHAR(16) NOT NULL,
    reason VARCHAR(200) NULL,
    counts TEXT NOT NULL DEFAULT '{}',
    api_used INTEGER NULL,
    api_limit INTEGER NULL,
    limit_backoffs INTEGER NOT NULL DEFAULT 0,
    error_code VARCHAR(64) NULL,
    error_detail VARCHAR(2000) NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ NULL
  )`,
  `CREATE TABLE salesforce_completeness_reports (
    sync_id VARCHAR(40) PRIMARY KEY REFERENCES salesforce_sync_runs (sync_id),
    clean BOOLEAN NOT NULL,
    objects TEXT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`,
  // Run-plan lineage: the tasks that named a request, their runs and deliverables.
  `CREATE TABLE salesforce_request_lineage (
    request_id VARCHAR(18) NOT NULL,
    task_id VARCHAR(64) NOT NULL,
    client_id VARCHAR(64) NOT NULL,
    kind VARCHAR(64) NOT NULL,
    task_status VARCHAR(16) NOT NULL,
    run_ids TEXT NOT NULL DEFAULT '[]',
    deliverables TEXT NOT NULL DEFAULT '[]',
    task_created_at TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, task_id)
  )`,
  `CREATE INDEX ix_salesforce_request_lineage_task ON salesforce_request_lineage (task_id)`,
  `CREATE TABLE salesforce_evidence_bundles (
    request_id VARCHAR(18) NOT NULL,
    sha256 CHAR(64) NOT NULL,
    lake_key VARCHAR(400) NOT NULL,
    manifest_lake_key VARCHAR(400) NOT NULL,
    files INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, sha256)
  )`,
];

export class SalesforceMirrorSchema1736000000000 implements MigrationInterface {
  name = 'SalesforceMirrorSchema1736000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of salesforceMirrorSchemaPostgres) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'salesforce_evidence_bundles',
      'salesforce_request_lineage',
      'salesforce_completeness_reports',
      'salesforce_sync_runs',
      'salesforce_sync_state',
      'salesforce_request_files',
      'salesforce_content_links',
      'salesforce_request_items',
      'salesforce_request_history',
      'salesforce_it_requests',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}

export const salesforceMirrorMigrations = { postgres: [SalesforceMirrorSchema1736000000000] };
