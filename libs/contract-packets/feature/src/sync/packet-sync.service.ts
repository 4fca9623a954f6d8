import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PacketSyncResult } from '@leaf/contracts';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { validatePacket, type ParsedPacket } from '@leaf/contract-packets/domain';
import {
  ContractPacketEntity,
  GuaranteeVersionsRepository,
  PACKET_SOURCE,
  PacketRegistryRepository,
  type PacketSource,
} from '@leaf/contract-packets/data-access';
import { DATA_SOURCE } from '@leaf/persistence';
import { ShutdownCoordinator } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import { OutboxRelayHost } from '@leaf/service-kit';
import type { DataSource } from 'typeorm';
import { PacketPromotion } from '../promotion/packet-promotion';
import { PacketPipeline } from './packet-pipeline';

export const SYNC_ON_START = Symbol.for('leaf.contract-packets.SyncOnStart');

/**
 * One sync = one delta round against the source: each new or changed file goes through the
 * pipeline and, when valid and conflict-free, is promoted; deletions are recorded. The delta
 * cursor is saved only after every change was handled, so a crash replays the round (the
 * pipeline is idempotent per eTag). One sync at a time per process; a second request joins it.
 */
@Injectable()
export class PacketSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PacketSync');
  readonly registry: PacketRegistryRepository;
  readonly guarantees: GuaranteeVersionsRepository;
  readonly promotion: PacketPromotion;
  private readonly pipeline: PacketPipeline;
  /** The whole-source round in flight, which another whole-source request joins. */
  private running: Promise<PacketSyncResult> | undefined;
  /** Whatever round is in flight: the next waits for it. */
  private busy: Promise<unknown> = Promise.resolve();
  private startTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(LAKE) lake: Lake,
    @Inject(OutboxRelayHost) private readonly relay: OutboxRelayHost,
    @Inject(PACKET_SOURCE) private readonly source: PacketSource,
    @Inject(SYNC_ON_START) private readonly syncOnStart: boolean,
    shutdown: ShutdownCoordinator,
  ) {
    this.registry = new PacketRegistryRepository(ds);
    this.guarantees = new GuaranteeVersionsRepository(ds);
    this.pipeline = new PacketPipeline(this.registry, this.guarantees, lake, source);
    this.promotion = new PacketPromotion(this.registry, this.guarantees, lake);
    shutdown.onDrain({ name: 'packet-sync', drain: async () => void (await this.busy) });
  }

  /**
   * With sync-on-start the first round runs before the service takes requests (the embedded stack
   * starts its services one after another, so the round does not compete with their start-up for
   * the one PGlite). A failed round never stops the service: it is retried in the background.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.syncOnStart) return;
    try {
      await this.sync();
    } catch (e) {
      this.log.warn(`packet sync on start failed (${(e as { code?: string }).code ?? (e as Error).name}); retrying in the background`);
      void this.syncSoon();
    }
  }

  /** Retries with backoff; a failed round keeps its old cursor, so running it again is safe. */
  private async syncSoon(): Promise<void> {
    for (const delayMs of [500, 2_000, 5_000, 10_000, 20_000]) {
      await new Promise((resolve) => (this.startTimer = setTimeout(resolve, delayMs)));
      if (this.stopped) return;
      try {
        await this.sync();
        return;
      } catch (e) {
        this.log.warn(`packet sync on start failed (${(e as { code?: string }).code ?? (e as Error).name}); retrying`);
      }
    }
    this.log.error('packet sync on start gave up; POST /v1/packets/sync runs it on demand');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.startTimer);
    await this.busy;
  }

  /** Wakes the relay after a commit that wrote to the outbox. */
  notifyOutbox(): void {
    this.relay.notify();
  }

  /**
   * `scope` limits the round to those clients' packets (a client-scoped operator's sync). Rounds
   * never overlap; a whole-source request joins a whole-source round in flight, but a scoped one
   * never joins (the counts would tell of other clients): it runs after the round in flight. A
   * scoped round leaves the delta cursor where it was whenever it skipped another client's change,
   * so a wider round still sees that change.
   */
  sync(scope: '*' | readonly string[] = '*'): Promise<PacketSyncResult> {
    if (scope === '*' && this.running) return this.running;
    const round = this.busy.then(() => this.run(scope));
    this.busy = round.catch(() => undefined);
    if (scope !== '*') return round;
    this.running = round.finally(() => (this.running = undefined));
    return this.running;
  }

  private run(scope: '*' | readonly string[]): Promise<PacketSyncResult> {
    // Looked up per run: the global tracer provider may be replaced (telemetry restarts, tests).
    return trace.getTracer('contract-packets').startActiveSpan('contract-packets.sync', async (span) => {
      try {
        const result = await this.round(scope);
        span.setAttributes({
          'leaf.packets.source': this.source.kind,
          'leaf.packets.full': result.full,
          'leaf.packets.seen': result.seen,
          'leaf.packets.promoted': result.promoted,
          'leaf.packets.rejected': result.rejected,
        });
        return result;
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as { code?: string }).code ?? (e as Error).name });
        throw e;
      } finally {
        span.end();
      }
    });
  }

  private async round(scope: '*' | readonly string[]): Promise<PacketSyncResult> {
    const delta = await this.source.delta(await this.registry.cursor(this.source.sourceId));
    const result = { sourceId: this.source.sourceId, full: delta.full, seen: 0, unchanged: 0, promoted: 0, review: 0, rejected: 0, deleted: 0 };
    const seen = new Set<string>();
    const valid: Array<{ packet: ContractPacketEntity; text?: string; parsed?: ParsedPacket }> = [];
    const inScope = (clientId: string) => scope === '*' || scope.includes(clientId);
    let skipped = false;
    for (const change of delta.changes) {
      if (change.type === 'deleted') {
        const known = await this.registry.findByItem(this.source.kind, change.itemId);
        if (known && !inScope(known.clientId)) {
          skipped = true;
          continue;
        }
        if (await this.markDeleted(change.itemId)) result.deleted++;
        continue;
      }
      if (!inScope(change.item.clientId)) {
        skipped = true;
        continue;
      }
      result.seen++;
      seen.add(change.item.itemId);
      const { packet, outcome, text, parsed } = await this.pipeline.process(change.item);
      if (outcome === 'validated') valid.push({ packet, text, parsed });
      else if (outcome !== 'deleted') result[outcome]++;
    }
    // Schedules before the amendments that change them, whatever order the source listed them in.
    valid.sort(
      (a, b) =>
        Number(a.packet.kind === 'amendment') - Number(b.packet.kind === 'amendment') ||
        (a.packet.name < b.packet.name ? -1 : a.packet.name > b.packet.name ? 1 : 0),
    );
    for (const { packet, text, parsed } of valid) {
      // Two schedules of one round may disagree with each other: check again against what is current now.
      if (parsed && packet.periodId && packet.kind !== 'amendment') {
        const { conflicts } = validatePacket(parsed, {
          clientId: packet.clientId,
          knownPeriodIds: new Set([packet.periodId]),
          current: await this.guarantees.current(packet.periodId),
          packetId: packet.packetId,
        });
        if (conflicts.length) {
          packet.conflicts = JSON.stringify(conflicts);
          await this.registry.setStatus(
            packet,
            'review',
            `${conflicts.length} term(s) conflict with promoted packet terms; an operator must approve or reject`,
          );
          result.review++;
          continue;
        }
      }
      await this.promotion.promote(packet, null, text);
      result.promoted++;
    }
    if (delta.full) {
      // A full enumeration (first run, or after 410 resyncRequired) lists everything that exists.
      for (const packet of await this.registry.listBySource(this.source.kind)) {
        if (inScope(packet.clientId) && !seen.has(packet.itemId) && packet.status !== 'deleted' && (await this.markDeleted(packet.itemId))) result.deleted++;
      }
    }
    if (!skipped) await this.registry.saveCursor(this.source.sourceId, delta.cursor);
    this.relay.notify();
    this.log.log(`packet sync done: ${JSON.stringify({ ...result, sourceId: undefined })}`);
    return result;
  }

  private async markDeleted(itemId: string): Promise<boolean> {
    const packet = await this.registry.findByItem(this.source.kind, itemId);
    if (!packet || packet.status === 'deleted') return false;
    // Promoted guarantees stay: a file removed from OneDrive does not void a signed contract.
    await this.registry.setStatus(packet, 'deleted', 'removed from the source');
    return true;
  }
}
