/**
 * Where the curated model is published for the consumers that still read SQL: Azure SQL's
 * `dedicated_domo_takeover` schema when deployed (mssql bulk insert), a PostgreSQL schema of
 * the same name embedded. A publication replaces the model's rows whole.
 */
export interface CuratedPublication {
  readonly target: 'azure-sql' | 'postgres';
  publish(model: string): Promise<{ rows: number }>;
}

export const CURATED_PUBLICATION = Symbol.for('leaf.domo-takeover.CuratedPublication');

export const publicationTable = { schema: 'dedicated_domo_takeover', name: 'savings_by_client_month' } as const;

/** Columns of the published table, in order, with their T-SQL types. */
export const publicationColumns = [
  ['model', 'VARCHAR(64)'],
  ['client_id', 'VARCHAR(32)'],
  ['month', 'DATE'],
  ['channel', 'VARCHAR(16)'],
  ['drug_type', 'VARCHAR(8)'],
  ['claim_count', 'BIGINT'],
  ['awp_total', 'DECIMAL(16,2)'],
  ['paid_total', 'DECIMAL(16,2)'],
  ['savings', 'DECIMAL(16,2)'],
  ['published_at', 'DATETIMEOFFSET'],
] as const;
