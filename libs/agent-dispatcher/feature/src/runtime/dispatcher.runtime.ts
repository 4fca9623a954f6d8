import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { addToOutbox } from '@leaf/messaging';
import { OutboxRelayHost } from '@leaf/service-kit';
import { DATA_SOURCE } from '@leaf/persistence';
import { ShutdownCoordinator } from '@leaf/platform';
import { TaskLedger, TaskWatchdog } from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';
import type { AgentDispatcherConfig } from '../agent-dispatcher.config';
import { TaskNotifier } from './task-notifier';

import { AGENT_DISPATCHER_CONFIG_TOKEN } from '../tasks/tasks.tokens';

/**
 * The dispatcher's background work: the outbox relay (wake-ups onto agent-tasks), the watchdog
 * (re-dispatch tasks whose worker vanished) and the progress streams. All of it drains on SIGTERM;
 * the bus events it consumes are handled in TaskEventsHandlers.
 */
@Injectable()
export class DispatcherRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly ledger: TaskLedger;
  readonly watchdog: TaskWatchdog;
  private readonly log = new Logger('Dispatcher');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly streams = new Set<AbortController>();

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(OutboxRelayHost) readonly relay: OutboxRelayHost,
    @Inject(AGENT_DISPATCHER_CONFIG_TOKEN) private readonly config: AgentDispatcherConfig,
    private readonly notifier: TaskNotifier,
    private readonly shutdown: ShutdownCoordinator,
  ) {
    this.ledger = new TaskLedger(ds, addToOutbox);
    this.watchdog = new TaskWatchdog(ds, addToOutbox, { graceMs: config.LEAF_TASK_LEASE_GRACE_MS, staleDispatchMs: config.LEAF_TASK_STALE_DISPATCH_MS });
  }

  onApplicationBootstrap(): void {
    this.schedule();
    this.shutdown.onDrain({ name: 'agent-dispatcher', drain: () => this.stop() });
  }

  /** A progress stream registers so shutdown can end it (open streams would hold the server). */
  openStream(): AbortController {
    const c = new AbortController();
    this.streams.add(c);
    c.signal.addEventListener('abort', () => this.streams.delete(c), { once: true });
    return c;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.sweeping = this.watchdog
        .sweep()
        .then((r) => {
          if (r.redispatched + r.deadLettered + r.cancelled > 0) {
            this.log.log({ msg: 'watchdog settled tasks', ...r });
            this.relay.notify();
          }
        })
        .catch((err: unknown) => this.log.warn({ msg: 'watchdog sweep failed', err }))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.config.LEAF_TASK_WATCHDOG_MS);
  }

  private stop(): Promise<void> {
    this.stopped ??= (async () => {
      clearTimeout(this.timer);
      for (const s of this.streams) s.abort();
      await this.sweeping;
      // The wake-ups the last sweep wrote go out before the kit's relay stops.
      await this.relay.drain().catch(() => undefined);
    })();
    return this.stopped;
  }
}
