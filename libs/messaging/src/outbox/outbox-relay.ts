import type { EntityName } from '@leaf/contracts';
import type { DataSource, QueryRunner } from 'typeorm';
import type { MessageBus } from '../port/message-bus.port';
import type { OutgoingMessage } from '../port/message';
import { isMessagingError, MessagingError, type MessagingErrorCode } from '../port/messaging.error';

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

/** Shared by every relay of every service: one sends at a time per database. */
export const outboxRelayLockId = 7_305_011_733;

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Most messages in one send (one all-or-nothing batch on the bus); 1 sends row by row. */
  sendBatchSize?: number;
  /** Safety-net poll; `notify()` after a commit wakes the relay at once. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
  /** A row set aside because the bus can never take it (see `permanentFailures`). Default: `onError`. */
  onDeadLettered?: (row: { outboxId: string; entity: string; messageId: string; reason: string }) => void;
}

/** Refusals that no retry can change: the row is dead-lettered in the outbox instead of blocking what follows. */
const permanentFailures: readonly MessagingErrorCode[] = ['MESSAGE_SIZE_EXCEEDED', 'MESSAGING_PAYLOAD_INVALID', 'MESSAGING_SESSION_REQUIRED'];
const isPermanent = (failure: unknown): failure is MessagingError => permanentFailures.some((code) => isMessagingError(failure, code));

/**
 * Sends committed outbox rows and marks them sent. A crash between send and mark re-sends on the
 * next run with the same messageId, which duplicate detection and idempotent consumers absorb:
 * at-least-once delivery, exactly-once effect. Replicas may all run a relay; an advisory lock
 * lets one send at a time and the others find nothing left to do.
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
    // No transaction is held while sending: on PGlite every connection shares one backend, so a
    // transaction open across bus.send (which writes to the same database) would wait on itself.
    // A session advisory lock keeps one relay sending at a time on PostgreSQL instead; a crash
    // between send and mark re-sends with the same messageId, which duplicate detection absorbs.
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [outboxRelayLockId])) as Array<{ locked: boolean }>;
      if (!locked) return { sent: 0 };
      try {
        return await this.sendPending(runner, batchSize);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [outboxRelayLockId]);
      }
    } finally {
      await runner.release();
    }
  }

  private async sendPending(runner: QueryRunner, batchSize: number): Promise<{ sent: number; failure?: unknown }> {
    const rows: OutboxRow[] = await runner.query(
      `SELECT outbox_id, entity, message_id, body, correlation_id, session_id, subject, application_properties
       FROM outbox_messages WHERE sent_at IS NULL AND dead_lettered_at IS NULL ORDER BY outbox_id LIMIT ${batchSize}`,
    );
    const sent: OutboxRow[] = [];
    let failure: unknown;
    try {
      // Each entity's rows go out in outbox order, in batches (all or nothing); entities do not wait
      // on each other (no bus orders messages across entities), so rows for two entities written in
      // turn cost a send per entity per batch, not one per row.
      for (const rowsOfEntity of byEntity(rows)) {
        const stopped = await this.sendEntity(runner, rowsOfEntity, sent);
        failure ??= stopped;
      }
    } finally {
      await this.markSent(runner, sent);
    }
    return { sent: sent.length, failure };
  }

  /** One entity's rows in order; a failure that a retry may cure stops this entity's later rows (their order is kept) and is returned. */
  private async sendEntity(runner: QueryRunner, rows: OutboxRow[], sent: OutboxRow[]): Promise<unknown> {
    for (const group of chunks(rows, this.options.sendBatchSize ?? 50)) {
      const failure = await this.sendGroup(group);
      if (failure === undefined) {
        sent.push(...group);
        continue;
      }
      if (!isPermanent(failure)) {
        await this.recordFailure(runner, group, failure);
        return failure;
      }
      // Something in the group can never be sent (or the group is too large together): row by
      // row, so only what can never go is set aside and everything after it still goes, in order.
      for (const row of group) {
        const alone = await this.sendGroup([row]);
        if (alone === undefined) sent.push(row);
        else if (isPermanent(alone)) await this.deadLetter(runner, row, `${alone.code}: ${alone.message}`);
        else {
          await this.recordFailure(runner, [row], alone);
          return alone;
        }
      }
    }
    return undefined;
  }

  /**
   * One UPDATE for everything the batch sent. A crash before it re-sends those rows with their
   * message ids on the next run, which duplicate detection and idempotent consumers absorb.
   */
  private async markSent(runner: QueryRunner, rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await runner.query(`UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE outbox_id = ANY($1::bigint[])`, [
      rows.map((row) => row.outbox_id),
    ]);
  }

  /** Sends the rows as one batch; returns the failure instead of throwing. */
  private async sendGroup(group: OutboxRow[]): Promise<unknown> {
    try {
      const entity = group[0]!.entity;
      await this.bus.send(entity, group.map(toMessage) as OutgoingMessage<typeof entity>[]);
      return undefined;
    } catch (failure) {
      return failure;
    }
  }

  private async recordFailure(runner: QueryRunner, group: OutboxRow[], failure: unknown): Promise<void> {
    await runner.query(`UPDATE outbox_messages SET attempts = attempts + 1, last_error = $1 WHERE outbox_id = ANY($2::bigint[])`, [
      (failure instanceof Error ? failure.message : String(failure)).slice(0, 1000),
      group.map((row) => row.outbox_id),
    ]);
  }

  private async deadLetter(runner: QueryRunner, row: OutboxRow, reason: string): Promise<void> {
    const text = reason.slice(0, 1000);
    await runner.query(`UPDATE outbox_messages SET dead_lettered_at = now(), dead_letter_reason = $1, attempts = attempts + 1 WHERE outbox_id = $2`, [
      text,
      row.outbox_id,
    ]);
    const report = { outboxId: String(row.outbox_id), entity: row.entity, messageId: row.message_id, reason: text };
    if (this.options.onDeadLettered) this.options.onDeadLettered(report);
    else
      this.options.onError?.(
        new MessagingError(
          'MESSAGING_PAYLOAD_INVALID',
          `outbox row ${report.outboxId} (message ${report.messageId} to ${report.entity}) dead-lettered: ${text}`,
        ),
      );
  }
}

/** A row whose JSON another writer broke can never be sent: refused like a contract violation. */
function parsed(text: string, what: string, row: OutboxRow): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MessagingError('MESSAGING_PAYLOAD_INVALID', `outbox row ${row.outbox_id}: its ${what} is not JSON`);
  }
}

function toMessage(row: OutboxRow): OutgoingMessage {
  return {
    body: parsed(row.body, 'body', row) as OutgoingMessage['body'],
    messageId: row.message_id,
    correlationId: row.correlation_id ?? undefined,
    sessionId: row.session_id ?? undefined,
    subject: row.subject ?? undefined,
    applicationProperties: parsed(row.application_properties, 'application properties', row) as OutgoingMessage['applicationProperties'],
  };
}

/** The rows of each entity, in outbox order, entities in the order they first appear. */
function byEntity(rows: readonly OutboxRow[]): OutboxRow[][] {
  const groups = new Map<EntityName, OutboxRow[]>();
  for (const row of rows) {
    const group = groups.get(row.entity);
    if (group) group.push(row);
    else groups.set(row.entity, [row]);
  }
  return [...groups.values()];
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
