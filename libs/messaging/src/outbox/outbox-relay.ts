import type { EntityName } from '@leaf/contracts';
import type { DataSource } from 'typeorm';
import type { MessageBus } from '../port/message-bus.port';
import type { OutgoingMessage } from '../port/message';

interface OutboxRow {
  outbox_id: string;
  entity: EntityName;
  message_id: string;
  body: string;
  correlation_id: string | null;
  session_id: string | null;
  subject: string | null;
  application_properties: string;
}

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Safety-net poll; `notify()` after a commit wakes the relay at once. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Sends committed outbox rows and marks them sent. A crash between send and mark re-sends on the
 * next run with the same messageId, which duplicate detection and idempotent consumers absorb:
 * at-least-once delivery, exactly-once effect. Rows are claimed with SKIP LOCKED so several
 * replicas can relay side by side (PostgreSQL; PGlite serialises them instead).
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.notify();
  }

  /** Wake the relay (call after committing a transaction that wrote to the outbox). */
  notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => undefined)
      .catch((e: unknown) => this.options.onError?.(e))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.notify();
        } else {
          this.timer = setTimeout(() => this.notify(), this.options.pollIntervalMs ?? 1_000);
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sends until the outbox is empty; returns how many messages went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { sent, failure } = await this.relayBatch();
      total += sent;
      // A failed send stays unsent (attempts and error recorded); the next poll retries it.
      if (failure !== undefined) throw failure;
      if (sent === 0) return total;
    }
  }

  private async relayBatch(): Promise<{ sent: number; failure?: unknown }> {
    const batchSize = this.options.batchSize ?? 100;
    return this.ds.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT outbox_id, entity, message_id, body, correlation_id, session_id, subject, application_properties
         FROM outbox_messages WHERE sent_at IS NULL ORDER BY outbox_id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return { sent: 0 };
      let sent = 0;
      // Per entity, in outbox order, so a session's messages keep their order.
      for (const row of rows) {
        const message: OutgoingMessage = {
          body: JSON.parse(row.body),
          messageId: row.message_id,
          correlationId: row.correlation_id ?? undefined,
          sessionId: row.session_id ?? undefined,
          subject: row.subject ?? undefined,
          applicationProperties: JSON.parse(row.application_properties),
        };
        try {
          await this.bus.send(row.entity, message as OutgoingMessage<typeof row.entity>);
        } catch (failure) {
          // Commit what was sent so far; later rows wait so their order is kept.
          await manager.query(`UPDATE outbox_messages SET attempts = attempts + 1, last_error = $1 WHERE outbox_id = $2`, [
            (failure instanceof Error ? failure.message : String(failure)).slice(0, 1000),
            row.outbox_id,
          ]);
          return { sent, failure };
        }
        await manager.query(`UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE outbox_id = $1`, [row.outbox_id]);
        sent++;
      }
      return { sent };
    });
  }
}
