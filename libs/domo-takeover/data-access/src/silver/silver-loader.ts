import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { CsvRecordParser, RowTyper, csvField, type CellError, type DatasetDefinition, type DomoColumnType, type TypedRow } from '@leaf/domo-takeover/domain';
import type { BulkMode } from './bulk-mode';

export interface SilverRowError {
  readonly rowNo: number;
  readonly errors: readonly CellError[];
}

export class SilverRejection extends Error {
  readonly code = 'DOMO_SILVER_REJECTED';
  constructor(
    message: string,
    readonly badRows: number,
    readonly samples: readonly SilverRowError[],
  ) {
    super(message);
    this.name = 'SilverRejection';
  }
}

const arrayType: Record<DomoColumnType, string> = {
  STRING: 'text[]',
  LONG: 'bigint[]',
  DOUBLE: 'float8[]',
  DECIMAL: 'numeric[]',
  DATE: 'date[]',
  DATETIME: 'timestamptz[]',
};

const SAMPLE_LIMIT = 5;

interface Batch {
  readonly first: number;
  readonly rows: TypedRow[];
}

/**
 * Reads an export (from bronze), types every row against the dataset's declared schema and loads
 * the typed rows into its silver table tagged with the export id and row number, in one
 * transaction. One untypable row rejects the whole export: nothing is loaded, and the rejection
 * counts the bad rows and samples them (row number, column, value, expected type).
 */
export class SilverLoader {
  constructor(
    private readonly ds: DataSource,
    private readonly mode: BulkMode,
    private readonly batchRows = 5_000,
  ) {}

  async load(def: DatasetDefinition, exportId: string, csv: Readable): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const batches = typedBatches(def, csv, this.batchRows);
      const rows = this.mode === 'copy' ? await this.copy(runner, def, exportId, batches) : await this.insert(runner, def, exportId, batches);
      await runner.commitTransaction();
      return rows;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async copy(runner: QueryRunner, def: DatasetDefinition, exportId: string, batches: AsyncIterable<Batch>): Promise<number> {
    const client = (await runner.connect()) as PoolClient;
    const columns = ['export_id', 'row_no', ...def.columns.map((c) => c.name)];
    const stream = client.query(copyFrom(`COPY ${def.silverTable} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
    async function* csvText(): AsyncGenerator<string> {
      for await (const batch of batches) {
        let text = '';
        for (let i = 0; i < batch.rows.length; i++) {
          const row = batch.rows[i] as TypedRow;
          text += `${exportId},${batch.first + i}`;
          for (const value of row) text += ',' + (value === null ? '' : csvField(value));
          text += '\n';
        }
        yield text;
      }
    }
    await pipeline(Readable.from(csvText()), stream);
    return stream.rowCount;
  }

  private async insert(runner: QueryRunner, def: DatasetDefinition, exportId: string, batches: AsyncIterable<Batch>): Promise<number> {
    const columns = ['export_id', 'row_no', ...def.columns.map((c) => c.name)];
    const casts = ['text[]', 'bigint[]', ...def.columns.map((c) => arrayType[c.type])];
    const sql = `INSERT INTO ${def.silverTable} (${columns.join(', ')}) SELECT * FROM unnest(${casts.map((t, i) => `$${i + 1}::${t}`).join(', ')})`;
    let total = 0;
    for await (const batch of batches) {
      const arrays: unknown[][] = columns.map(() => new Array<unknown>(batch.rows.length));
      batch.rows.forEach((row, i) => {
        (arrays[0] as unknown[])[i] = exportId;
        (arrays[1] as unknown[])[i] = batch.first + i;
        row.forEach((value, c) => ((arrays[c + 2] as unknown[])[i] = value));
      });
      await runner.query(sql, arrays);
      total += batch.rows.length;
    }
    return total;
  }
}

/**
 * Parses and types the CSV into batches. On the first bad row it stops yielding (so nothing more
 * is written) but reads on to count every bad row, then throws the rejection.
 */
async function* typedBatches(def: DatasetDefinition, csv: Readable, size: number): AsyncGenerator<Batch> {
  const parser = new CsvRecordParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let typer: RowTyper | undefined;
  let rowNo = 0;
  let batch: Batch = { first: 1, rows: [] };
  let badRows = 0;
  const samples: SilverRowError[] = [];

  const take = (records: string[][]): void => {
    for (const record of records) {
      if (typer === undefined) {
        const missing = def.columns.filter((c) => !record.includes(c.name)).map((c) => c.name);
        if (missing.length > 0) throw new SilverRejection(`the export's header lacks declared column(s) ${missing.join(', ')}`, 0, []);
        typer = new RowTyper(def.columns, record);
        continue;
      }
      rowNo++;
      const typed = typer.type(record);
      if (typed.ok) {
        if (badRows === 0) batch.rows.push(typed.row);
      } else {
        badRows++;
        if (samples.length < SAMPLE_LIMIT) samples.push({ rowNo, errors: typed.errors });
      }
    }
  };

  for await (const chunk of csv) {
    take(parser.push(decoder.decode(chunk as Buffer, { stream: true })));
    if (badRows === 0 && batch.rows.length >= size) {
      yield batch;
      // Every row read so far is in the batch just yielded.
      batch = { first: rowNo + 1, rows: [] };
    }
  }
  take(parser.push(decoder.decode()));
  take(parser.end());
  if (badRows > 0) throw new SilverRejection(`${badRows} row(s) do not fit the declared schema of ${def.name}`, badRows, samples);
  if (batch.rows.length > 0) yield batch;
}
