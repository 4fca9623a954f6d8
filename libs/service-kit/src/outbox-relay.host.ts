import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { MESSAGE_BUS, OutboxRelay, outboxMigrations, type MessageBus } from '@leaf/messaging';
import type { ServiceMigration } from '@leaf/platform';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DataSource } from 'typeorm';

/**
 * The service's one outbox relay, owned by the kit: it starts once the service is up, wakes when a
 * commit wrote to the outbox (`notify()`), and on shutdown sends what the drained work left before
 * the bus closes. Services inject it rather than build their own, so every service relays, logs
 * and stops the same way. Replicas all run one; the relay's advisory lock lets one send at a time.
 */
/** Whether the service's own migrations create the outbox (so rows of a previous instance may wait). */
export const OUTBOX_OWNED = Symbol.for('leaf.service-kit.OutboxOwned');

export const ownsOutbox = (migrations: ReadonlyArray<ServiceMigration> = []): boolean =>
  outboxMigrations.postgres.every((m) => migrations.some((own) => own.name === m.name));

@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private readonly relay: OutboxRelay;
  private started = false;

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(OUTBOX_OWNED) private readonly owned: boolean,
  ) {
    this.relay = new OutboxRelay(ds, bus, {
      onError: (e) => this.log.warn(`outbox relay failed; will retry (${(e as { code?: string }).code ?? (e as Error).name})`),
    });
  }

  /**
   * Starts relaying rows a previous instance may have left, in a service whose migrations create
   * the outbox; a service without one (the gateway) never relays what others wrote in a shared
   * database, and starts only if it ever writes to the outbox itself.
   */
  onApplicationBootstrap(): void {
    if (this.owned) this.start();
  }

  /** Wake the relay: call after committing a transaction that wrote to the outbox. */
  notify(): void {
    if (!this.started) this.start();
    else this.relay.notify();
  }

  private start(): void {
    this.started = true;
    this.relay.start();
  }

  /** Sends every committed row now (specs and shutdown); resolves with how many were sent. */
  drain(): Promise<number> {
    return this.relay.drain();
  }

  /** Runs after the work drained (ShutdownCoordinator) and before the bus closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    await this.relay.drain().catch((e: unknown) => this.log.warn(`outbox rows left for the next start (${(e as Error).name})`));
    await this.relay.stop();
  }
}
