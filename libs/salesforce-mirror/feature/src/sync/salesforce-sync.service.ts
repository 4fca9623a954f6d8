import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SalesforceCompletenessReport, SalesforceSyncResult, SalesforceSyncRun } from '@leaf/contracts';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { SALESFORCE_SOURCE, type SalesforceSource } from '@leaf/salesforce-mirror/data-access';
import { OutboxRelayHost } from '@leaf/service-kit';
import { DATA_SOURCE } from '@leaf/persistence';
import { AppError, ShutdownCoordinator } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import type { DataSource } from 'typeorm';
import { refreshLineage } from '../lineage/lineage-refresher';
import { RequestPublisher } from '../publish/request-publisher';
import { MirrorSync, type MirrorSyncOptions } from './mirror-sync';

export const SYNC_OPTIONS = Symbol.for('leaf.salesforce-mirror.SyncOptions');
export const SYNC_ON_START = Symbol.for('leaf.salesforce-mirror.SyncOnStart');

/**
 * Runs syncs one at a time (a second request waits for the one in flight), then refreshes
 * lineage from the task ledger and publishes bundles and search documents of what changed.
 * With sync-on-start the first sync runs before the service takes requests; a failure there
 * never stops the service and is retried in the background.
 */
@Injectable()
export class SalesforceSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SalesforceSync');
  readonly sync: MirrorSync | undefined;
  private readonly publisher: RequestPublisher;
  private busy: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LAKE) lake: Lake,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    @Optional() @Inject(SALESFORCE_SOURCE) source: SalesforceSource | null,
    @Inject(SYNC_OPTIONS) options: MirrorSyncOptions,
    @Inject(SYNC_ON_START) private readonly syncOnStart: boolean,
    shutdown: ShutdownCoordinator,
  ) {
    this.sync = source ? new MirrorSync(ds, source, lake, options) : undefined;
    this.publisher = new RequestPublisher(ds, lake);
    shutdown.onDrain({ name: 'salesforce-sync', drain: async () => void (await this.busy) });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.syncOnStart || !this.sync) return;
    try {
      await this.run({});
    } catch (e) {
      this.log.warn(`salesforce sync on start failed (${(e as { code?: string }).code ?? (e as Error).name}); retrying in the background`);
      void this.retry();
    }
  }

  private async retry(): Promise<void> {
    for (const delayMs of [2_000, 10_000, 30_000, 60_000]) {
      await new Promise((resolve) => (this.timer = setTimeout(resolve, delayMs)));
      if (this.stopped) return;
      try {
        await this.run({});
        return;
      } catch (e) {
        this.log.warn(`salesforce sync on start failed (${(e as { code?: string }).code ?? (e as Error).name}); retrying`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
  }

  /**
   * Lineage from the ledger now, between syncs (a task event arrived): the requests whose work
   * changed get a new evidence bundle and search document. Queued behind a sync in flight, never
   * beside it; idempotent, so a redelivered event changes nothing. Returns how many requests changed.
   */
  refreshLineage(): Promise<number> {
    const round = this.busy.then(async () => {
      const changed = await refreshLineage(this.ds);
      if (!changed.size) return 0;
      await this.publisher.publish(changed, []);
      this.relay.notify();
      return changed.size;
    });
    this.busy = round.catch(() => undefined);
    return round;
  }

  /** One sync; the next waits for the one in flight. */
  run(opts: { full?: boolean }): Promise<SalesforceSyncResult> {
    const sync = this.sync;
    if (!sync) return Promise.reject(new AppError('CONFLICT', 'no Salesforce org is configured (LEAF_SALESFORCE_LOGIN_URL); the mirror serves what it holds'));
    const round = this.busy.then(() =>
      trace.getTracer('salesforce-mirror').startActiveSpan('salesforce-mirror.sync', async (span) => {
        try {
          const outcome = await sync.run(opts);
          const lineageChanged = await refreshLineage(this.ds);
          for (const id of lineageChanged) if (!outcome.deletedRequestIds.has(id)) outcome.changedRequestIds.add(id);
          const published = await this.publisher.publish(outcome.changedRequestIds, outcome.deletedRequestIds);
          outcome.counts['bundles'] = published.bundles;
          outcome.counts['searchDocuments'] = published.searchDocuments;
          await sync.finish(outcome);
          this.relay.notify();
          span.setAttributes({
            'leaf.salesforce.mode': outcome.mode,
            'leaf.salesforce.requests': outcome.counts['IT_Request__c'] ?? 0,
            'leaf.salesforce.clean': outcome.completeness.clean,
          });
          this.log.log(
            `salesforce sync ${outcome.syncId} (${outcome.mode}) done: ${JSON.stringify(outcome.counts)}; completeness ${outcome.completeness.clean ? 'clean' : 'NOT clean'}`,
          );
          const [run] = (await sync.state.runs(20)).filter((r) => r.syncId === outcome.syncId);
          const [report] = (await sync.state.reports(20)).filter((r) => r.syncId === outcome.syncId);
          return { run: run as SalesforceSyncRun, completeness: (report as SalesforceCompletenessReport | undefined) ?? null };
        } catch (e) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (e as { code?: string }).code ?? (e as Error).name });
          throw e;
        } finally {
          span.end();
        }
      }),
    );
    this.busy = round.catch(() => undefined);
    return round;
  }
}
