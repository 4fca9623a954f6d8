import type { Pool } from 'pg';
import type { EntityName } from '@leaf/contracts';
import type { ApplicationProperties } from '../port/message';
import { messageColumns, type MessageRow } from './message-row';

/** One receive address in table terms: `subscription` is '' for a queue. */
export interface StoreAddress {
  entity: EntityName;
  subscription: string;
  deadLetter: boolean;
}

export interface StoredMessage {
  messageId: string;
  /** The body's bytes: UTF-8 JSON from `send`, anything from another writer. */
  body: Buffer;
  correlationId: string | null;
  sessionId: string | null;
  subject: string | null;
  applicationProperties: string;
  /** Subscriptions (or [''] for a queue) that get a copy. */
  destinations: string[];
}

export interface LockKey {
  address: StoreAddress;
  seq: string;
  lockToken: string;
}

const ms = (param: string) => `(${param}::double precision * interval '1 millisecond')`;

/**
 * Every statement of the embedded bus. Each is one autocommit statement, because on PGlite
 * transactions serialize and a long one would stall every other consumer.
 */
export class BusStore {
  private readonly m: string;

  constructor(
    /** Sends and schedule changes: committed durably, a sent message survives a server crash. */
    private readonly pool: Pool,
    /**
     * Claims, settlements and renewals: committed asynchronously (synchronous_commit off). A crash
     * can lose the last few, which only means a message is delivered again: at-least-once, as in
     * Service Bus. It halves the flushes per message.
     */
    private readonly receiving: Pool,
    readonly schema: string,
    readonly channel: string,
  ) {
    this.m = `${schema}.messages`;
  }

  /**
   * Duplicate detection, sequence numbers, fan-out and the wake-up NOTIFY in one atomic statement
   * (one round trip per send). Returns the sequence numbers in input order; a duplicate's is
   * allocated but stored nowhere, as in Service Bus.
   */
  async insert(entity: EntityName, messages: StoredMessage[], windowMs: number, scheduledAt?: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ seqs: string[] | null }>(
      `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
           AS u(message_id, body, correlation_id, session_id, subject, props, subs, ord)
       ), numbered AS MATERIALIZED (
         -- Ordered in a subquery so nextval runs in input order: a batch's sequence numbers increase.
         SELECT o.*, nextval('${this.schema}.sequence_numbers') AS seq FROM (SELECT * FROM input ORDER BY ord) o
       ), fresh AS (
         INSERT INTO ${this.schema}.duplicates (entity, message_id, expires_at)
         SELECT $1, message_id, now() + ${ms('$9')} FROM input
         ON CONFLICT (entity, message_id) DO UPDATE SET expires_at = excluded.expires_at
           WHERE ${this.schema}.duplicates.expires_at <= now()
         RETURNING message_id
       ), inserted AS (
         INSERT INTO ${this.m} (entity, subscription, seq, message_id, body, correlation_id, session_id, subject, application_properties, state, visible_at)
         SELECT $1, d.subscription, n.seq, n.message_id, n.body, n.correlation_id, n.session_id, n.subject, n.props,
                CASE WHEN $10::timestamptz IS NULL THEN 'active' ELSE 'scheduled' END, coalesce($10::timestamptz, now())
         FROM numbered n JOIN fresh f USING (message_id) CROSS JOIN LATERAL jsonb_array_elements_text(n.subs::jsonb) AS d(subscription)
         RETURNING 1
       )
       SELECT (SELECT array_agg(seq::text ORDER BY ord) FROM numbered) AS seqs, (SELECT count(*) FROM inserted) AS stored, pg_notify($11, $1)`,
      [
        entity,
        messages.map((m) => m.messageId),
        messages.map((m) => m.body),
        messages.map((m) => m.correlationId),
        messages.map((m) => m.sessionId),
        messages.map((m) => m.subject),
        messages.map((m) => m.applicationProperties),
        messages.map((m) => JSON.stringify(m.destinations)),
        windowMs,
        scheduledAt ?? null,
        this.channel,
      ],
    );
    return rows[0]?.seqs ?? [];
  }

  async purgeExpiredDuplicates(): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.schema}.duplicates WHERE expires_at < now()`);
  }

  async cancelScheduled(entity: EntityName, seqs: string[]): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.m} WHERE entity = $1 AND seq = ANY($2::bigint[]) AND state = 'scheduled'`, [entity, seqs]);
  }

  /** Peek-locks up to `count` ready messages, lowest sequence number first; others' locked rows are skipped. */
  async claim(a: StoreAddress, count: number, lockMs: number, maxDeliveryCount: number): Promise<MessageRow[]> {
    const { rows } = await this.receiving.query<MessageRow>(
      // MATERIALIZED: a LIMIT ... FOR UPDATE subquery joined in place may run once per outer row and
      // lock more rows than asked for.
      `WITH c AS MATERIALIZED (
         SELECT seq AS claim_seq FROM ${this.m}
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred' AND visible_at <= now()
           AND (locked_until IS NULL OR locked_until <= now()) AND delivery_count < $6
         ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1, state = 'active'
       FROM c WHERE entity = $1 AND subscription = $2 AND seq = c.claim_seq
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, a.deadLetter, count, lockMs, maxDeliveryCount],
    );
    return rows.sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1));
  }

  /** The session's next message, only if nothing before it is still locked: a session is strictly ordered. */
  async claimInSession(a: StoreAddress, sessionId: string, lockMs: number, maxDeliveryCount: number): Promise<MessageRow | undefined> {
    const { rows } = await this.receiving.query<MessageRow>(
      `WITH c AS MATERIALIZED (
         SELECT seq AS claim_seq, locked_until AS claim_locked_until, delivery_count AS claim_count FROM ${this.m}
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND session_id = $4 AND state <> 'deferred'
           AND (visible_at <= now() OR locked_until > now())
         ORDER BY seq LIMIT 1 FOR UPDATE)
       UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1, state = 'active'
       FROM c WHERE entity = $1 AND subscription = $2 AND seq = c.claim_seq
         AND (c.claim_locked_until IS NULL OR c.claim_locked_until <= now()) AND c.claim_count < $6
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, a.deadLetter, sessionId, lockMs, maxDeliveryCount],
    );
    return rows[0];
  }

  /** Locks the session of the oldest ready message that no live session lock covers. */
  async acquireSession(a: StoreAddress, lockMs: number): Promise<{ sessionId: string; lockToken: string } | undefined> {
    const { rows } = await this.receiving.query<{ session_id: string; lock_token: string }>(
      `INSERT INTO ${this.schema}.session_locks (entity, subscription, session_id, lock_token, locked_until)
       SELECT $1, $2, c.session_id, gen_random_uuid(), now() + ${ms('$4')} FROM (
         SELECT session_id FROM ${this.m} m
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred' AND session_id IS NOT NULL
           AND visible_at <= now() AND (locked_until IS NULL OR locked_until <= now())
           AND NOT EXISTS (SELECT 1 FROM ${this.schema}.session_locks l
                           WHERE l.entity = $1 AND l.subscription = $2 AND l.session_id = m.session_id AND l.locked_until > now())
         ORDER BY seq LIMIT 1) c
       ON CONFLICT (entity, subscription, session_id) DO UPDATE SET lock_token = excluded.lock_token, locked_until = excluded.locked_until
         WHERE ${this.schema}.session_locks.locked_until <= now()
       RETURNING session_id, lock_token::text AS lock_token`,
      [a.entity, a.subscription, a.deadLetter, lockMs],
    );
    const row = rows[0];
    return row && { sessionId: row.session_id, lockToken: row.lock_token };
  }

  async renewSession(a: StoreAddress, sessionId: string, lockToken: string, lockMs: number): Promise<boolean> {
    const { rowCount } = await this.receiving.query(
      `UPDATE ${this.schema}.session_locks SET locked_until = now() + ${ms('$5')}
       WHERE entity = $1 AND subscription = $2 AND session_id = $3 AND lock_token = $4 AND locked_until > now()`,
      [a.entity, a.subscription, sessionId, lockToken, lockMs],
    );
    return rowCount === 1;
  }

  /** Frees the session and wakes other processes' session receivers, which may have been waiting for it. */
  async releaseSession(a: StoreAddress, sessionId: string, lockToken: string): Promise<void> {
    await this.receiving.query(
      `WITH released AS (
         DELETE FROM ${this.schema}.session_locks WHERE entity = $1 AND subscription = $2 AND session_id = $3 AND lock_token = $4 RETURNING 1)
       SELECT pg_notify($5, $1) FROM released`,
      [a.entity, a.subscription, sessionId, lockToken, this.channel],
    );
  }

  /** Messages whose last lock expired on their last allowed delivery: the dead-letter queue, as Service Bus does. */
  async deadLetterExhausted(a: StoreAddress, maxDeliveryCount: number): Promise<number> {
    if (a.deadLetter) return 0;
    const { rowCount } = await this.receiving.query(
      `UPDATE ${this.m} SET dead_letter = true, dead_letter_reason = 'MaxDeliveryCountExceeded',
         dead_letter_description = 'Message could not be consumed after ' || delivery_count || ' delivery attempts.',
         lock_token = NULL, locked_until = NULL, visible_at = now()
       WHERE entity = $1 AND subscription = $2 AND NOT dead_letter AND state <> 'deferred' AND locked_until <= now() AND delivery_count >= $3`,
      [a.entity, a.subscription, maxDeliveryCount],
    );
    return rowCount ?? 0;
  }

  /**
   * What an idle receiver needs in one round trip: dead-letters messages whose last lock expired
   * on their last allowed delivery, and says in how many milliseconds something at this address
   * may become claimable (a delay, a schedule, a lock ending); undefined when nothing is there.
   */
  async idleScan(a: StoreAddress, maxDeliveryCount: number): Promise<{ swept: number; dueMs: number | undefined }> {
    const { rows } = await this.receiving.query<{ swept: number; due: number | null }>(
      `WITH swept AS (
         UPDATE ${this.m} SET dead_letter = true, dead_letter_reason = 'MaxDeliveryCountExceeded',
           dead_letter_description = 'Message could not be consumed after ' || delivery_count || ' delivery attempts.',
           lock_token = NULL, locked_until = NULL, visible_at = now()
         WHERE entity = $1 AND subscription = $2 AND NOT $3 AND NOT dead_letter AND state <> 'deferred'
           AND locked_until <= now() AND delivery_count >= $4
         RETURNING 1)
       SELECT (SELECT count(*) FROM swept)::int AS swept,
              (SELECT (extract(epoch FROM min(CASE WHEN locked_until > now() THEN locked_until ELSE visible_at END) - clock_timestamp()) * 1000)::float8
               FROM ${this.m} WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred') AS due`,
      [a.entity, a.subscription, a.deadLetter, maxDeliveryCount],
    );
    const row = rows[0];
    // Swept rows still look ready in this statement's snapshot: report them as due now.
    const due = row && row.swept > 0 ? 0 : row?.due;
    return { swept: row?.swept ?? 0, dueMs: due === null || due === undefined ? undefined : Math.max(0, due) };
  }

  async peek(a: StoreAddress, fromSeq: bigint, maxCount: number): Promise<MessageRow[]> {
    const { rows } = await this.receiving.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${this.m} WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND seq >= $4 ORDER BY seq LIMIT $5`,
      [a.entity, a.subscription, a.deadLetter, fromSeq.toString(), maxCount],
    );
    return rows;
  }

  async lockDeferred(a: StoreAddress, seqs: string[], lockMs: number): Promise<MessageRow[]> {
    const { rows } = await this.receiving.query<MessageRow>(
      `UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1
       WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND seq = ANY($4::bigint[]) AND state = 'deferred'
         AND (locked_until IS NULL OR locked_until <= now())
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, a.deadLetter, seqs, lockMs],
    );
    return rows.sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1));
  }

  /**
   * Locks exactly these dead-lettered messages, however far back in the dead-letter queue they
   * are: no other message is locked, counted or reordered. Deferred or locked ones are skipped.
   */
  async lockDeadLettered(a: StoreAddress, seqs: string[], lockMs: number): Promise<MessageRow[]> {
    const { rows } = await this.receiving.query<MessageRow>(
      `UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$4')}, delivery_count = delivery_count + 1
       WHERE entity = $1 AND subscription = $2 AND dead_letter AND seq = ANY($3::bigint[]) AND state <> 'deferred'
         AND (locked_until IS NULL OR locked_until <= now())
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, seqs, lockMs],
    );
    return rows.sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1));
  }

  /** Undoes a delivery that never reached a handler (the lock goes, the delivery does not count). */
  async unlock(key: LockKey): Promise<void> {
    await this.receiving.query(
      `UPDATE ${this.m} SET lock_token = NULL, locked_until = NULL, delivery_count = delivery_count - 1
       WHERE entity = $1 AND subscription = $2 AND seq = $3 AND lock_token = $4`,
      [key.address.entity, key.address.subscription, key.seq, key.lockToken],
    );
  }

  async complete(key: LockKey): Promise<boolean> {
    return this.whileLocked(key, `DELETE FROM ${this.m}`);
  }

  async abandon(key: LockKey, delayMs: number, propertiesToModify: ApplicationProperties | undefined, maxDeliveryCount: number): Promise<boolean> {
    const props = propertiesToModify ? `(application_properties::jsonb || $7::jsonb)::text` : 'application_properties';
    const exhausted = `(NOT dead_letter AND state <> 'deferred' AND delivery_count >= $5)`;
    return this.whileLocked(
      key,
      `UPDATE ${this.m} SET lock_token = NULL, locked_until = NULL, visible_at = now() + ${ms('$6')}, application_properties = ${props},
         dead_letter_reason = CASE WHEN ${exhausted} THEN 'MaxDeliveryCountExceeded' ELSE dead_letter_reason END,
         dead_letter_description = CASE WHEN ${exhausted} THEN 'Message could not be consumed after ' || delivery_count || ' delivery attempts.' ELSE dead_letter_description END,
         dead_letter = dead_letter OR ${exhausted}`,
      [maxDeliveryCount, delayMs, ...(propertiesToModify ? [JSON.stringify(propertiesToModify)] : [])],
    );
  }

  async deadLetter(key: LockKey, reason: string, description: string | undefined): Promise<boolean> {
    return this.whileLocked(
      key,
      `UPDATE ${this.m} SET lock_token = NULL, locked_until = NULL, visible_at = now(), state = 'active', dead_letter = true,
         dead_letter_reason = $5, dead_letter_description = $6`,
      [reason, description ?? null],
    );
  }

  async defer(key: LockKey): Promise<boolean> {
    return this.whileLocked(key, `UPDATE ${this.m} SET lock_token = NULL, locked_until = NULL, state = 'deferred'`);
  }

  async renew(key: LockKey, lockMs: number): Promise<Date | undefined> {
    const { rows } = await this.receiving.query<{ locked_until: Date }>(
      `UPDATE ${this.m} SET locked_until = now() + ${ms('$5')}
       WHERE entity = $1 AND subscription = $2 AND seq = $3 AND lock_token = $4 AND locked_until > now() RETURNING locked_until`,
      [key.address.entity, key.address.subscription, key.seq, key.lockToken, lockMs],
    );
    return rows[0]?.locked_until;
  }

  private async whileLocked(key: LockKey, statement: string, extra: unknown[] = []): Promise<boolean> {
    const { rowCount } = await this.receiving.query(
      `${statement} WHERE entity = $1 AND subscription = $2 AND seq = $3 AND lock_token = $4 AND locked_until > now()`,
      [key.address.entity, key.address.subscription, key.seq, key.lockToken, ...extra],
    );
    return rowCount === 1;
  }
}
