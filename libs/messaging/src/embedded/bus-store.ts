import type { Pool } from 'pg';
import type { EntityName } from '@leaf/contracts';
import type { ApplicationProperties } from '../port/message';
import type { BusSequences } from './bus-sequences';
import { completionId } from './completion-batcher';
import { messageColumns, type MessageRow } from './message-row';

/** One receive address in table terms: `subscription` is '' for a queue. */
export interface StoreAddress {
  entity: EntityName;
  subscription: string;
  deadLetter: boolean;
}

/** One place a message goes: a subscription ('' for a queue) and its time-to-live there, in ms. */
export interface StoredRoute {
  s: string;
  ttl: number;
}

export interface StoredMessage {
  messageId: string;
  /** The body's bytes: UTF-8 JSON from `send`, anything from another writer. */
  body: Buffer;
  correlationId: string | null;
  sessionId: string | null;
  subject: string | null;
  applicationProperties: string;
  /** Subscriptions (or a queue's '') that get a copy. */
  routes: StoredRoute[];
}

/** A receiver's hold on a session. */
export interface SessionHold {
  sessionId: string;
  lockToken: string;
}

export interface LockKey {
  address: StoreAddress;
  seq: string;
  lockToken: string;
  /** A session's message is settled only while its session is still held with this lock. */
  session?: SessionHold;
}

const ms = (param: string) => `(${param}::double precision * interval '1 millisecond')`;

/** What Service Bus writes on a message that expired in an entity that dead-letters on expiration. */
export const ttlExpired = { reason: 'TTLExpiredException', description: 'The message expired and was dead lettered.' } as const;

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
    private readonly sequences: BusSequences,
  ) {
    this.m = `${schema}.messages`;
  }

  /**
   * Duplicate detection, sequence numbers, fan-out and the wake-up NOTIFY in one atomic statement
   * (one round trip per send). Returns the sequence numbers in input order; a duplicate's is
   * allocated but stored nowhere, as in Service Bus. With `scheduledAt` the messages wait in
   * `scheduled` until then (see `activation`).
   */
  async insert(entity: EntityName, messages: StoredMessage[], windowMs: number, scheduledAt?: Date): Promise<string[]> {
    const seq = await this.sequences.ensure(entity);
    const store = scheduledAt
      ? `INSERT INTO ${this.schema}.scheduled (entity, seq, message_id, body, correlation_id, session_id, subject, application_properties, routes, enqueue_at)
         SELECT $1, n.seq, n.message_id, n.body, n.correlation_id, n.session_id, n.subject, n.props, n.routes::jsonb, $10::timestamptz
         FROM numbered n JOIN fresh f USING (message_id)
         RETURNING 1`
      : `INSERT INTO ${this.m} (entity, subscription, seq, message_id, body, correlation_id, session_id, subject, application_properties, state, visible_at, expires_at)
         SELECT $1, d.s, n.seq, n.message_id, n.body, n.correlation_id, n.session_id, n.subject, n.props, 'active', now(), now() + ${ms('d.ttl')}
         FROM numbered n JOIN fresh f USING (message_id) CROSS JOIN LATERAL jsonb_to_recordset(n.routes::jsonb) AS d(s text, ttl float8)
         RETURNING 1`;
    const { rows } = await this.pool.query<{ seqs: string[] | null }>(
      `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
           AS u(message_id, body, correlation_id, session_id, subject, props, routes, ord)
       ), numbered AS MATERIALIZED (
         -- Ordered in a subquery so nextval runs in input order: a batch's sequence numbers increase.
         SELECT o.*, nextval('${seq}') AS seq FROM (SELECT * FROM input ORDER BY ord) o
       ), fresh AS (
         INSERT INTO ${this.schema}.duplicates (entity, message_id, expires_at)
         SELECT $1, message_id, now() + ${ms('$9')} FROM input
         ON CONFLICT (entity, message_id) DO UPDATE SET expires_at = excluded.expires_at
           WHERE ${this.schema}.duplicates.expires_at <= now()
         RETURNING message_id
       ), stored AS (${store})
       SELECT (SELECT array_agg(seq::text ORDER BY ord) FROM numbered) AS seqs, (SELECT count(*) FROM stored) AS stored, $10::timestamptz AS at, pg_notify($11, $1)`,
      [
        entity,
        messages.map((m) => m.messageId),
        messages.map((m) => m.body),
        messages.map((m) => m.correlationId),
        messages.map((m) => m.sessionId),
        messages.map((m) => m.subject),
        messages.map((m) => m.applicationProperties),
        messages.map((m) => JSON.stringify(m.routes)),
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
    await this.pool.query(`DELETE FROM ${this.schema}.scheduled WHERE entity = $1 AND seq = ANY($2::bigint[])`, [entity, seqs]);
  }

  /**
   * CTEs that move the entity's due scheduled messages (entity = $1) into `messages` with a NEW
   * sequence number, behind everything sent before, as Service Bus does when a scheduled message
   * becomes active. Its time-to-live starts then. Rows another statement is activating are skipped.
   * The statement they are part of does not see the rows they insert (one snapshot): they are
   * claimable from the next statement on.
   */
  private async activation(entity: EntityName): Promise<string> {
    const seq = await this.sequences.ensure(entity);
    const s = this.schema;
    return `due AS MATERIALIZED (
        SELECT seq AS due_seq FROM ${s}.scheduled WHERE entity = $1 AND enqueue_at <= now() ORDER BY seq FOR UPDATE SKIP LOCKED
      ), act AS (
        DELETE FROM ${s}.scheduled x USING due WHERE x.entity = $1 AND x.seq = due.due_seq RETURNING x.*
      ), renum AS MATERIALIZED (
        SELECT a.*, nextval('${seq}') AS new_seq FROM (SELECT * FROM act ORDER BY seq) a
      ), activated AS (
        INSERT INTO ${this.m} (entity, subscription, seq, message_id, body, correlation_id, session_id, subject, application_properties, state, visible_at, expires_at)
        SELECT r.entity, d.s, r.new_seq, r.message_id, r.body, r.correlation_id, r.session_id, r.subject, r.application_properties, 'active', now(),
               CASE WHEN d.ttl IS NULL THEN NULL ELSE now() + ${ms('d.ttl')} END
        FROM renum r CROSS JOIN LATERAL jsonb_to_recordset(r.routes) AS d(s text, ttl float8)
        RETURNING 1
      )`;
  }

  /** Activates the entity's due scheduled messages now (before a peek, which should see them as Service Bus would). */
  async activateDue(entity: EntityName): Promise<void> {
    await this.receiving.query(`WITH ${await this.activation(entity)} SELECT count(*) FROM activated`, [entity]);
  }

  /** Peek-locks up to `count` ready messages, lowest sequence number first; others' locked rows and expired ones are skipped. */
  async claim(a: StoreAddress, count: number, lockMs: number, maxDeliveryCount: number): Promise<MessageRow[]> {
    const activate = a.deadLetter ? '' : `${await this.activation(a.entity)},`;
    const { rows } = await this.receiving.query<MessageRow>(
      // MATERIALIZED: a LIMIT ... FOR UPDATE subquery joined in place may run once per outer row and
      // lock more rows than asked for.
      `WITH ${activate} c AS MATERIALIZED (
         SELECT seq AS claim_seq FROM ${this.m}
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred' AND visible_at <= now()
           AND (locked_until IS NULL OR locked_until <= now()) AND delivery_count < $6
           AND ($3 OR expires_at IS NULL OR expires_at > now())
         ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1, state = 'active'
       FROM c WHERE entity = $1 AND subscription = $2 AND seq = c.claim_seq
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, a.deadLetter, count, lockMs, maxDeliveryCount],
    );
    return rows.sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : 1));
  }

  /**
   * The session's next message, only while `hold` is still the session's live lock, and only if
   * nothing before it is still locked: a session is strictly ordered. Undefined when there is
   * none or the session is no longer held (`sessionHeld` tells which).
   */
  async claimInSession(a: StoreAddress, hold: SessionHold, lockMs: number, maxDeliveryCount: number): Promise<MessageRow | undefined> {
    const { rows } = await this.receiving.query<MessageRow>(
      `WITH c AS MATERIALIZED (
         SELECT seq AS claim_seq, locked_until AS claim_locked_until, delivery_count AS claim_count FROM ${this.m}
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND session_id = $4 AND state <> 'deferred'
           AND (visible_at <= now() OR locked_until > now()) AND ($3 OR expires_at IS NULL OR expires_at > now())
           AND EXISTS (SELECT 1 FROM ${this.schema}.session_locks l
                       WHERE l.entity = $1 AND l.subscription = $2 AND l.session_id = $4 AND l.lock_token = $7 AND l.locked_until > now())
         ORDER BY seq LIMIT 1 FOR UPDATE)
       UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1, state = 'active'
       FROM c WHERE entity = $1 AND subscription = $2 AND seq = c.claim_seq
         AND (c.claim_locked_until IS NULL OR c.claim_locked_until <= now()) AND c.claim_count < $6
       RETURNING ${messageColumns}`,
      [a.entity, a.subscription, a.deadLetter, hold.sessionId, lockMs, maxDeliveryCount, hold.lockToken],
    );
    return rows[0];
  }

  /** Locks the session of the oldest ready message that no live session lock covers. */
  async acquireSession(a: StoreAddress, lockMs: number): Promise<SessionHold | undefined> {
    const activate = a.deadLetter ? '' : `WITH ${await this.activation(a.entity)}`;
    const { rows } = await this.receiving.query<{ session_id: string; lock_token: string }>(
      `${activate}
       INSERT INTO ${this.schema}.session_locks (entity, subscription, session_id, lock_token, locked_until)
       SELECT $1, $2, c.session_id, gen_random_uuid(), now() + ${ms('$4')} FROM (
         SELECT session_id FROM ${this.m} m
         WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred' AND session_id IS NOT NULL
           AND visible_at <= now() AND (locked_until IS NULL OR locked_until <= now())
           AND ($3 OR expires_at IS NULL OR expires_at > now())
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

  async renewSession(a: StoreAddress, hold: SessionHold, lockMs: number): Promise<boolean> {
    const { rowCount } = await this.receiving.query(
      `UPDATE ${this.schema}.session_locks SET locked_until = now() + ${ms('$5')}
       WHERE entity = $1 AND subscription = $2 AND session_id = $3 AND lock_token = $4 AND locked_until > now()`,
      [a.entity, a.subscription, hold.sessionId, hold.lockToken, lockMs],
    );
    return rowCount === 1;
  }

  /** Whether `hold` is still the session's live lock (it expired, or another receiver took the session, when not). */
  async sessionHeld(a: StoreAddress, hold: SessionHold): Promise<boolean> {
    const { rowCount } = await this.receiving.query(
      `SELECT 1 FROM ${this.schema}.session_locks WHERE entity = $1 AND subscription = $2 AND session_id = $3 AND lock_token = $4 AND locked_until > now()`,
      [a.entity, a.subscription, hold.sessionId, hold.lockToken],
    );
    return rowCount === 1;
  }

  /** Frees the session and wakes other processes' session receivers, which may have been waiting for it. */
  async releaseSession(a: StoreAddress, hold: SessionHold): Promise<void> {
    await this.receiving.query(
      `WITH released AS (
         DELETE FROM ${this.schema}.session_locks WHERE entity = $1 AND subscription = $2 AND session_id = $3 AND lock_token = $4 RETURNING 1)
       SELECT pg_notify($5, $1) FROM released`,
      [a.entity, a.subscription, hold.sessionId, hold.lockToken, this.channel],
    );
  }

  /**
   * CTEs (params $1 entity, $2 subscription, $3 dead-letter address, $4 max deliveries) that
   * settle what no receiver can take any more, as Service Bus does: `exhausted`, messages whose
   * last lock expired on their last allowed delivery, go to the dead-letter queue; `expired`,
   * unlocked messages past their time-to-live, go there with TTLExpiredException or are dropped.
   */
  private sweeps(deadLetterExpired: boolean): string {
    const isExpired = `expires_at IS NOT NULL AND expires_at <= now()`;
    const expired = deadLetterExpired
      ? `UPDATE ${this.m} SET dead_letter = true, dead_letter_reason = '${ttlExpired.reason}', dead_letter_description = '${ttlExpired.description}',
           lock_token = NULL, locked_until = NULL, visible_at = now()
         WHERE entity = $1 AND subscription = $2 AND NOT $3 AND NOT dead_letter AND ${isExpired} AND (locked_until IS NULL OR locked_until <= now())
         RETURNING 1`
      : `DELETE FROM ${this.m}
         WHERE entity = $1 AND subscription = $2 AND NOT $3 AND NOT dead_letter AND ${isExpired} AND (locked_until IS NULL OR locked_until <= now())
         RETURNING 1`;
    return `exhausted AS (
         UPDATE ${this.m} SET dead_letter = true, dead_letter_reason = 'MaxDeliveryCountExceeded',
           dead_letter_description = 'Message could not be consumed after ' || delivery_count || ' delivery attempts.',
           lock_token = NULL, locked_until = NULL, visible_at = now()
         WHERE entity = $1 AND subscription = $2 AND NOT $3 AND NOT dead_letter AND state <> 'deferred'
           AND locked_until <= now() AND delivery_count >= $4 AND NOT (${isExpired})
         RETURNING 1
       ), expired AS (${expired})`;
  }

  /** Runs the sweeps (see `sweeps`); returns how many messages they settled. */
  async sweep(a: StoreAddress, maxDeliveryCount: number, deadLetterExpired: boolean): Promise<number> {
    if (a.deadLetter) return 0;
    const { rows } = await this.receiving.query<{ swept: number }>(
      `WITH ${this.sweeps(deadLetterExpired)} SELECT ((SELECT count(*) FROM exhausted) + (SELECT count(*) FROM expired))::int AS swept`,
      [a.entity, a.subscription, a.deadLetter, maxDeliveryCount],
    );
    return rows[0]?.swept ?? 0;
  }

  /**
   * What an idle receiver needs in one round trip: the sweeps, and in how many milliseconds
   * something at this address may become claimable (a delay, a schedule, a lock ending);
   * undefined when nothing is there.
   */
  async idleScan(a: StoreAddress, maxDeliveryCount: number, deadLetterExpired: boolean): Promise<{ swept: number; dueMs: number | undefined }> {
    const { rows } = await this.receiving.query<{ swept: number; due: number | null }>(
      `WITH ${this.sweeps(deadLetterExpired)}
       SELECT ((SELECT count(*) FROM exhausted) + (SELECT count(*) FROM expired))::int AS swept,
              (extract(epoch FROM least(
                 (SELECT min(CASE WHEN locked_until > now() THEN locked_until ELSE visible_at END)
                  FROM ${this.m} WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND state <> 'deferred'),
                 (SELECT min(enqueue_at) FROM ${this.schema}.scheduled
                  WHERE NOT $3 AND entity = $1 AND routes @> jsonb_build_array(jsonb_build_object('s', $2::text)))
               ) - clock_timestamp()) * 1000)::float8 AS due`,
      [a.entity, a.subscription, a.deadLetter, maxDeliveryCount],
    );
    const row = rows[0];
    // Swept rows still look ready in this statement's snapshot: report them as due now.
    const due = row && row.swept > 0 ? 0 : row?.due;
    return { swept: row?.swept ?? 0, dueMs: due === null || due === undefined ? undefined : Math.max(0, due) };
  }

  /** Messages from a sequence number on, scheduled ones included (as `scheduled`), without locking any. */
  async peek(a: StoreAddress, fromSeq: bigint, maxCount: number): Promise<MessageRow[]> {
    if (!a.deadLetter) await this.activateDue(a.entity);
    const { rows } = await this.receiving.query<MessageRow>(
      `SELECT * FROM (
         SELECT ${messageColumns} FROM ${this.m} WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND seq >= $4
         UNION ALL
         SELECT seq::text, message_id, body, correlation_id, session_id, subject, application_properties, 'scheduled', 0, enqueue_at,
                NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::text, NULL::text
         FROM ${this.schema}.scheduled
         WHERE NOT $3 AND entity = $1 AND seq >= $4 AND routes @> jsonb_build_array(jsonb_build_object('s', $2::text))
       ) p ORDER BY p.seq::bigint LIMIT $5`,
      [a.entity, a.subscription, a.deadLetter, fromSeq.toString(), maxCount],
    );
    return rows;
  }

  async lockDeferred(a: StoreAddress, seqs: string[], lockMs: number): Promise<MessageRow[]> {
    const { rows } = await this.receiving.query<MessageRow>(
      `UPDATE ${this.m} SET lock_token = gen_random_uuid(), locked_until = now() + ${ms('$5')}, delivery_count = delivery_count + 1
       WHERE entity = $1 AND subscription = $2 AND dead_letter = $3 AND seq = ANY($4::bigint[]) AND state = 'deferred'
         AND (locked_until IS NULL OR locked_until <= now()) AND ($3 OR expires_at IS NULL OR expires_at > now())
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

  /**
   * Completes many locked messages (any addresses, no session messages) in one statement; each is
   * deleted only while its own lock holds. Returns the completed ones as `completionId`s.
   */
  async completeMany(keys: LockKey[]): Promise<Set<string>> {
    const { rows } = await this.receiving.query<{ entity: string; subscription: string; seq: string }>(
      `DELETE FROM ${this.m} m
       USING unnest($1::text[], $2::text[], $3::bigint[], $4::uuid[]) AS k(entity, subscription, seq, lock_token)
       WHERE m.entity = k.entity AND m.subscription = k.subscription AND m.seq = k.seq AND m.lock_token = k.lock_token
         AND m.locked_until > now()
       RETURNING m.entity, m.subscription, m.seq::text`,
      [keys.map((k) => k.address.entity), keys.map((k) => k.address.subscription), keys.map((k) => k.seq), keys.map((k) => k.lockToken)],
    );
    return new Set(rows.map((r) => completionId({ address: { entity: r.entity as EntityName, subscription: r.subscription, deadLetter: false }, seq: r.seq })));
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
    const { clause, params } = this.sessionClause(key, 6);
    const { rows } = await this.receiving.query<{ locked_until: Date }>(
      `UPDATE ${this.m} SET locked_until = now() + ${ms('$5')}
       WHERE entity = $1 AND subscription = $2 AND seq = $3 AND lock_token = $4 AND locked_until > now()${clause} RETURNING locked_until`,
      [key.address.entity, key.address.subscription, key.seq, key.lockToken, lockMs, ...params],
    );
    return rows[0]?.locked_until;
  }

  private async whileLocked(key: LockKey, statement: string, extra: unknown[] = []): Promise<boolean> {
    const { clause, params } = this.sessionClause(key, 5 + extra.length);
    const { rowCount } = await this.receiving.query(
      `${statement} WHERE entity = $1 AND subscription = $2 AND seq = $3 AND lock_token = $4 AND locked_until > now()${clause}`,
      [key.address.entity, key.address.subscription, key.seq, key.lockToken, ...extra, ...params],
    );
    return rowCount === 1;
  }

  /** For a session's message: the session must still be held with the receiver's lock. */
  private sessionClause(key: LockKey, firstParam: number): { clause: string; params: unknown[] } {
    if (!key.session) return { clause: '', params: [] };
    return {
      clause: ` AND EXISTS (SELECT 1 FROM ${this.schema}.session_locks l WHERE l.entity = $1 AND l.subscription = $2
                  AND l.session_id = $${firstParam} AND l.lock_token = $${firstParam + 1} AND l.locked_until > now())`,
      params: [key.session.sessionId, key.session.lockToken],
    };
  }
}
