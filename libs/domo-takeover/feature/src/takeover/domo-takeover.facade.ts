import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { DomoComparison, DomoIngestResult } from '@leaf/contracts';
import {
  CURATED_PUBLICATION,
  DOMO_SOURCE,
  DomoComparisonsRepository,
  DomoExportsRepository,
  ExportIngestion,
  detectBulkMode,
  runGoldenComparison,
  type CuratedPublication,
  type DomoSource,
} from '@leaf/domo-takeover/data-access';
import { addToOutbox } from '@leaf/messaging';
import { OutboxRelayHost } from '@leaf/service-kit';
import { DATA_SOURCE } from '@leaf/persistence';
import { ShutdownCoordinator } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import type { DataSource } from 'typeorm';

export const INGEST_ON_START = Symbol.for('leaf.domo-takeover.IngestOnStart');
/** After the ingest on start, compare the promoted output unless that export was compared already. */
export const COMPARE_ON_START = Symbol.for('leaf.domo-takeover.CompareOnStart');
/** Writes synthetic exports into an empty export folder before the first ingest (embedded only). */
export const PREPARE_SOURCE = Symbol.for('leaf.domo-takeover.PrepareSource');
export type PrepareSource = () => Promise<void>;

/**
 * The takeover's use cases: ingest the source's exports (bronze, silver, gates, promotion) and
 * run a golden comparison, announcing it through the outbox and publishing the curated model
 * when a publication is configured. One round at a time per process: a
 * second request waits for the first.
 */
@Injectable()
export class DomoTakeoverFacade implements OnApplicationBootstrap {
  private readonly log = new Logger('DomoTakeover');
  readonly exports: DomoExportsRepository;
  readonly comparisons: DomoComparisonsRepository;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LAKE) readonly lake: Lake,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    @Inject(DOMO_SOURCE) private readonly source: DomoSource,
    @Inject(INGEST_ON_START) private readonly ingestOnStart: boolean,
    @Inject(COMPARE_ON_START) private readonly compareOnStart: boolean,
    @Inject(PREPARE_SOURCE) private readonly prepareSource: PrepareSource,
    @Inject(CURATED_PUBLICATION) private readonly publication: CuratedPublication | null,
    shutdown: ShutdownCoordinator,
  ) {
    this.exports = new DomoExportsRepository(ds);
    this.comparisons = new DomoComparisonsRepository(ds);
    shutdown.onDrain({ name: 'domo-takeover', drain: async () => void (await this.busy.catch(() => undefined)) });
  }

  /**
   * With ingest-on-start the source's exports go in before the service takes requests, and with
   * compare-on-start the promoted output is compared once per export (a restart does not add a
   * comparison of the same export); a failure never stops the service.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.ingestOnStart) return;
    try {
      await this.prepareSource();
      const result = await this.ingest();
      this.log.log(
        `ingested on start: ${result.exports.map((e) => `${e.dataset} ${e.status}${e.replayed ? ' (replayed)' : ''}`).join(', ') || 'nothing offered'}`,
      );
      if (!this.compareOnStart) return;
      const promoted = await this.exports.promoted('savings_by_client_month');
      if (promoted === undefined || (await this.comparisons.existsFor(promoted.exportId))) return;
      const comparison = await this.compare();
      this.log.log(
        `compared on start: ${comparison.comparisonId}, ${comparison.summary.differences} differences (${comparison.summary.byReason.unexplained.count} unexplained)`,
      );
    } catch (e) {
      this.log.warn(`Domo ingest or comparison on start failed (${(e as { code?: string }).code ?? (e as Error).name})`);
    }
  }

  ingest(onProgress?: (step: string) => void): Promise<DomoIngestResult> {
    return this.serial(async () => {
      const ingestion = new ExportIngestion(this.ds, this.lake, this.source, await detectBulkMode(this.ds));
      const results = await ingestion.ingestAll((p) => onProgress?.(`${p.dataset}: ${p.step}`));
      return {
        exports: results.map((r) => ({
          exportId: r.exportId,
          dataset: r.dataset,
          status: r.status,
          replayed: r.replayed,
          rows: r.rows,
          silverRows: r.silverRows,
          reason: r.reason,
          failedGates: r.gates.filter((g) => g.status !== 'pass').map((g) => g.gateId),
        })),
      };
    });
  }

  compare(): Promise<DomoComparison> {
    return this.serial(async () => {
      const comparison = await runGoldenComparison(this.ds, this.lake);
      await this.ds.transaction((m) =>
        addToOutbox(m, 'domo.comparison-completed.v1', {
          messageId: comparison.comparisonId,
          body: {
            comparisonId: comparison.comparisonId,
            dataset: comparison.dataset,
            exportId: comparison.exportId,
            model: comparison.model,
            differences: comparison.summary.differences,
            material: comparison.summary.material,
            unexplained: comparison.summary.byReason.unexplained.count,
            completedAt: comparison.createdAt,
          },
        }),
      );
      this.relay.notify();
      // The model just compared (refreshed by the comparison) replaces its published rows for the
      // SQL readers. A failure fails the request; the comparison stays recorded as evidence and the
      // next comparison publishes again (a publication replaces the model's rows whole).
      if (this.publication) {
        const { rows } = await this.publication.publish(comparison.model);
        this.log.log(`published ${comparison.model} to ${this.publication.target}: ${rows} rows`);
      }
      return comparison;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.catch(() => undefined).then(work);
    this.busy = run;
    return run;
  }
}
