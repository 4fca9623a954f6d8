import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DomoDatasetName } from '@leaf/contracts';
import { blocksPromotion, blocksSilver, datasetByDomoName, detectDrift, hasDrift, type DatasetDefinition } from '@leaf/domo-takeover/domain';
import type { Lake } from '@leaf/storage';
import { writeBronze } from '../bronze/bronze-writer';
import type { DomoDatasetMetadata } from '../domo-api/domo-api.schemas';
import { runGates, type GateResult } from '../gates/gate-runner';
import { DomoExportsRepository } from '../repositories/domo-exports.repository';
import type { BulkMode } from '../silver/bulk-mode';
import { SilverLoader, SilverRejection } from '../silver/silver-loader';
import type { DomoSource } from '../source/domo-source.port';

export interface IngestedExport {
  readonly exportId: string;
  readonly dataset: DomoDatasetName;
  readonly status: 'rejected' | 'blocked' | 'promoted';
  /** True when these bytes of this dataset were ingested before (nothing was done again). */
  readonly replayed: boolean;
  readonly rows: number;
  readonly silverRows: number;
  readonly reason: string | null;
  readonly gates: readonly GateResult[];
}

export interface IngestProgress {
  readonly dataset: string;
  readonly step: 'bronze' | 'silver' | 'gates' | 'done';
}

/** `dex-` + 24 hex of the dataset and the export's bytes: the same export twice is one export. */
export function exportIdFor(dataset: string, domoDatasetId: string, sha256: string): string {
  return `dex-${createHash('sha256').update(`${dataset}\n${domoDatasetId}\n${sha256}`).digest('hex').slice(0, 24)}`;
}

/**
 * One export through the takeover's layers: raw bytes into bronze (registered with sha256, rows
 * and Domo's schema), drift against the declared schema (removed or retyped columns keep it out
 * of silver), typed rows into silver from the bronze copy, the flaw gates over the silver rows,
 * and promotion unless an error gate failed.
 */
export class ExportIngestion {
  private readonly exports: DomoExportsRepository;
  private readonly silver: SilverLoader;

  constructor(
    private readonly ds: DataSource,
    private readonly lake: Lake,
    private readonly source: DomoSource,
    mode: BulkMode,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.exports = new DomoExportsRepository(ds);
    this.silver = new SilverLoader(ds, mode);
  }

  /** Every dataset the source offers that the takeover declares, in declaration order. */
  async ingestAll(onProgress?: (p: IngestProgress) => void): Promise<IngestedExport[]> {
    const offered = await this.source.datasets();
    const out: IngestedExport[] = [];
    for (const metadata of offered) {
      const def = datasetByDomoName(metadata.name);
      if (def === undefined) continue;
      out.push(await this.ingest(def, metadata, onProgress));
    }
    return out;
  }

  async ingest(def: DatasetDefinition, metadata: DomoDatasetMetadata, onProgress?: (p: IngestProgress) => void): Promise<IngestedExport> {
    const dataset = def.name as DomoDatasetName;
    const exportedAt = this.now();
    onProgress?.({ dataset, step: 'bronze' });
    const bronze = await writeBronze(this.lake, dataset, await this.source.open(metadata.id), {
      dataset: def.name.replaceAll('_', '-'),
      domodatasetid: metadata.id.replace(/[^\x20-\x7e]/g, ''),
    });
    const exportId = exportIdFor(dataset, metadata.id, bronze.object.sha256);
    const known = await this.exports.get(exportId);
    if (known !== undefined && known.status !== 'received') {
      return { exportId, dataset, status: known.status, replayed: true, rows: known.rows, silverRows: known.silverRows, reason: known.reason, gates: [] };
    }
    const drift = detectDrift(def.columns, metadata.schema.columns);
    if (known === undefined) {
      await this.exports.insert({
        exportId,
        dataset,
        domoDatasetId: metadata.id,
        source: this.source.kind,
        exportedAt,
        dataCurrentAt: metadata.dataCurrentAt ? new Date(metadata.dataCurrentAt) : null,
        lakeKey: bronze.object.key,
        sha256: bronze.object.sha256,
        bytes: bronze.object.size,
        rows: bronze.rows,
        domoSchema: metadata.schema.columns,
        drift,
      });
    }
    if (blocksSilver(drift)) {
      const reason = `schema drift: ${[...drift.removed.map((c) => `removed ${c.name}`), ...drift.retyped.map((c) => `${c.name} ${c.declared}→${c.observed}`)].join(', ')}`;
      await this.exports.setOutcome(exportId, 'rejected', reason, 0);
      return { exportId, dataset, status: 'rejected', replayed: false, rows: bronze.rows, silverRows: 0, reason, gates: [] };
    }

    onProgress?.({ dataset, step: 'silver' });
    // A retried ingest of a 'received' export starts its silver rows afresh.
    await this.ds.query(`DELETE FROM ${def.silverTable} WHERE export_id = $1`, [exportId]);
    let silverRows: number;
    try {
      silverRows = await this.silver.load(def, exportId, await this.lake.open(bronze.object.key));
    } catch (error) {
      if (!(error instanceof SilverRejection)) throw error;
      const sample = error.samples
        .map((s) => `row ${s.rowNo}: ${s.errors.map((e) => `${e.column}=${JSON.stringify(e.value)} is not ${e.expected}`).join('; ')}`)
        .join(' | ');
      const reason = `${error.message}${sample ? ` (${sample})` : ''}`.slice(0, 2000);
      await this.exports.setOutcome(exportId, 'rejected', reason, 0);
      return { exportId, dataset, status: 'rejected', replayed: false, rows: bronze.rows, silverRows: 0, reason, gates: [] };
    }

    onProgress?.({ dataset, step: 'gates' });
    const previous = await this.exports.promoted(dataset);
    const gates = await runGates(this.ds, def, {
      exportId,
      rows: silverRows,
      asOf: metadata.dataCurrentAt ?? exportedAt.toISOString(),
      previousRows: previous?.silverRows,
    });
    await this.exports.saveGateResults(exportId, gates);
    const addedNote = hasDrift(drift) ? `added column(s) kept in bronze only: ${drift.added.map((c) => c.name).join(', ')}` : null;
    if (blocksPromotion(gates)) {
      const reason = `error gate(s) failed: ${gates
        .filter((g) => g.status === 'fail')
        .map((g) => `${g.gateId} (${g.failed} of ${g.checked})`)
        .join(', ')}`;
      await this.exports.setOutcome(exportId, 'blocked', reason, silverRows);
      onProgress?.({ dataset, step: 'done' });
      return { exportId, dataset, status: 'blocked', replayed: false, rows: bronze.rows, silverRows, reason, gates };
    }
    await this.exports.promote(dataset, exportId, silverRows, addedNote);
    onProgress?.({ dataset, step: 'done' });
    return { exportId, dataset, status: 'promoted', replayed: false, rows: bronze.rows, silverRows, reason: addedNote, gates };
  }
}
