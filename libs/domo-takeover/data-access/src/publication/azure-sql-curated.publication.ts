import * as mssql from 'mssql';
import type { DataSource } from 'typeorm';
import { publicationColumns, publicationTable, type CuratedPublication } from './curated-publication.port';

const qualified = `[${publicationTable.schema}].[${publicationTable.name}]`;

/** The T-SQL the Azure SQL publication runs (parsed by node-sql-parser in its spec; no SQL Server runs here). */
export const publicationTsql = {
  createTable:
    `IF OBJECT_ID(N'${publicationTable.schema}.${publicationTable.name}', N'U') IS NULL CREATE TABLE ${qualified} (` +
    publicationColumns.map(([name, type]) => `[${name}] ${type} NOT NULL`).join(', ') +
    `, PRIMARY KEY ([model], [client_id], [month], [channel], [drug_type]))`,
  deleteModel: `DELETE FROM ${qualified} WHERE [model] = @model`,
};

interface CuratedSqlRow {
  client_id: string;
  month: string;
  channel: string;
  drug_type: string;
  claim_count: string;
  awp_total: string;
  paid_total: string;
  savings: string;
}

/** The bulk-insert table for mssql: typed columns in table order, then the rows. */
export function publicationBulkTable(model: string, rows: readonly CuratedSqlRow[], publishedAt: Date): mssql.Table {
  const table = new mssql.Table(qualified);
  table.create = false;
  table.columns.add('model', mssql.VarChar(64), { nullable: false });
  table.columns.add('client_id', mssql.VarChar(32), { nullable: false });
  table.columns.add('month', mssql.Date, { nullable: false });
  table.columns.add('channel', mssql.VarChar(16), { nullable: false });
  table.columns.add('drug_type', mssql.VarChar(8), { nullable: false });
  table.columns.add('claim_count', mssql.BigInt, { nullable: false });
  table.columns.add('awp_total', mssql.Decimal(16, 2), { nullable: false });
  table.columns.add('paid_total', mssql.Decimal(16, 2), { nullable: false });
  table.columns.add('savings', mssql.Decimal(16, 2), { nullable: false });
  table.columns.add('published_at', mssql.DateTimeOffset, { nullable: false });
  for (const r of rows) table.rows.add(model, r.client_id, r.month, r.channel, r.drug_type, r.claim_count, r.awp_total, r.paid_total, r.savings, publishedAt);
  return table;
}

/**
 * Azure SQL: the curated rows read from PostgreSQL, the model's old rows deleted and the new ones
 * bulk-inserted in one SQL Server transaction. Not exercised against a server here (none runs on
 * this machine): its T-SQL is parsed and its bulk table checked offline.
 */
export class AzureSqlCuratedPublication implements CuratedPublication {
  readonly target = 'azure-sql' as const;

  constructor(
    private readonly ds: DataSource,
    private readonly pool: () => Promise<mssql.ConnectionPool>,
  ) {}

  async publish(model: string): Promise<{ rows: number }> {
    const rows = (await this.ds.query(
      `SELECT client_id, month::text AS month, channel, drug_type, claim_count::text AS claim_count, awp_total::text AS awp_total, paid_total::text AS paid_total, savings::text AS savings
       FROM domo_curated_savings WHERE model = $1 ORDER BY client_id, month, channel, drug_type`,
      [model],
    )) as CuratedSqlRow[];
    const pool = await this.pool();
    const tx = new mssql.Transaction(pool);
    await tx.begin();
    try {
      await new mssql.Request(tx).batch(publicationTsql.createTable);
      await new mssql.Request(tx).input('model', mssql.VarChar(64), model).query(publicationTsql.deleteModel);
      await new mssql.Request(tx).bulk(publicationBulkTable(model, rows, new Date()));
      await tx.commit();
    } catch (error) {
      await tx.rollback().catch(() => undefined);
      throw error;
    }
    return { rows: rows.length };
  }
}
