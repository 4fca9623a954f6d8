import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DataSource } from 'typeorm';

/** The answer a key replays: status, the headers worth keeping (content type, Location) and the JSON body. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyBegin =
  /** This request holds the key (`token` names it); `takenOver` when an abandoned request held it before. */
  | { state: 'started'; token: string; takenOver: boolean }
  | { state: 'in-progress'; requestSha256: string }
  | ({ state: 'completed'; requestSha256: string } & StoredAnswer);

export interface BeginOptions {
  /** How long the stored answer is replayed. */
  ttlSeconds: number;
  /** How long an in-flight request keeps the key before a retry may take it over. */
  leaseMs: number;
  now?: Date;
}

interface Row {
  request_sha256: string;
  status: number | null;
  content_type: string | null;
  response_headers: string | null;
  body: string | null;
}

/**
 * Idempotency-Key records in the gateway's database.
 *
 * `begin` claims a key in one statement: a new key is inserted; a key whose stored answer has
 * expired is replaced; a key still in flight whose lease has run out (its gateway crashed or hung)
 * is taken over by a retry with the same body. Two retries racing for the same abandoned key
 * meet on the row lock: the second re-reads the row, finds the first's fresh lease and does not
 * proceed. `complete` and `release` act only while the caller's own lease token is on the row, so
 * a request that outlived its lease cannot overwrite or delete its successor's record.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async begin(scopeSha256: string, requestSha256: string, options: BeginOptions): Promise<IdempotencyBegin> {
    const now = options.now ?? new Date();
    const token = randomUUID();
    // A key that lost its row between the claim and the read (released meanwhile) is claimed again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = (await this.ds.query(
        `INSERT INTO gateway_idempotency_keys AS k (scope_sha256, request_sha256, lease_token, lease_expires_at, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (scope_sha256) DO UPDATE SET
           request_sha256 = EXCLUDED.request_sha256, lease_token = EXCLUDED.lease_token, lease_expires_at = EXCLUDED.lease_expires_at,
           created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
           status = NULL, content_type = NULL, response_headers = NULL, body = NULL
         WHERE k.expires_at <= $5
            OR (k.status IS NULL AND k.request_sha256 = EXCLUDED.request_sha256
                AND (k.lease_expires_at <= $5 OR (k.lease_expires_at IS NULL AND k.created_at <= $7)))
         RETURNING (xmax = 0) AS inserted`,
        [
          scopeSha256,
          requestSha256,
          token,
          new Date(now.getTime() + options.leaseMs),
          now,
          new Date(now.getTime() + options.ttlSeconds * 1000),
          new Date(now.getTime() - options.leaseMs),
        ],
      )) as Array<{ inserted: boolean }>;
      if (claimed.length) return { state: 'started', token, takenOver: !claimed[0].inserted };
      const rows = (await this.ds.query(
        'SELECT request_sha256, status, content_type, response_headers, body FROM gateway_idempotency_keys WHERE scope_sha256 = $1',
        [scopeSha256],
      )) as Row[];
      const row = rows[0];
      if (!row) continue;
      if (row.status === null) return { state: 'in-progress', requestSha256: row.request_sha256 };
      const headers = row.response_headers ? (JSON.parse(row.response_headers) as Record<string, string>) : {};
      return {
        state: 'completed',
        requestSha256: row.request_sha256,
        status: Number(row.status),
        headers: { 'content-type': row.content_type ?? 'application/json', ...headers },
        body: row.body ?? '',
      };
    }
    return { state: 'in-progress', requestSha256 };
  }

  /** Stores the answer to replay; false when this request no longer holds the key (its lease was taken over). */
  async complete(scopeSha256: string, token: string, answer: StoredAnswer): Promise<boolean> {
    const updated = (await this.ds.query(
      `UPDATE gateway_idempotency_keys SET status = $1, content_type = $2, response_headers = $3, body = $4, lease_token = NULL, lease_expires_at = NULL
       WHERE scope_sha256 = $5 AND lease_token = $6 AND status IS NULL RETURNING scope_sha256`,
      [answer.status, answer.headers['content-type'] ?? 'application/json', JSON.stringify(answer.headers), answer.body, scopeSha256, token],
    )) as [unknown[], number];
    return updated[0].length > 0;
  }

  /** Forgets the key so the caller may retry it (the request failed), unless another request has taken it over. */
  async release(scopeSha256: string, token: string): Promise<void> {
    await this.ds.query('DELETE FROM gateway_idempotency_keys WHERE scope_sha256 = $1 AND lease_token = $2 AND status IS NULL', [scopeSha256, token]);
  }
}
