import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DataSource } from 'typeorm';

export type IdempotencyBegin =
  | { state: 'started' }
  | { state: 'in-progress'; requestSha256: string }
  | { state: 'completed'; requestSha256: string; status: number; contentType: string; body: string };

interface Row {
  request_sha256: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
  expires_at: Date | string;
}

const isUniqueViolation = (e: unknown): boolean => {
  const driver = (e as { driverError?: { code?: unknown; number?: unknown }; code?: unknown }) ?? {};
  const code = driver.driverError?.code ?? driver.code;
  const number = driver.driverError?.number;
  return code === '23505' || number === 2627 || number === 2601;
};

/**
 * Idempotency-Key records in the gateway's database. `begin` claims a key atomically (the primary
 * key decides between two concurrent requests); `complete` stores the answer to replay; `release`
 * forgets a key whose request failed, so the caller may retry it. Expired rows are replaced.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  private p(n: number): string {
    return this.ds.options.type === 'mssql' ? `@${n - 1}` : `$${n}`;
  }

  async begin(scopeSha256: string, requestSha256: string, ttlSeconds: number, retried = false): Promise<IdempotencyBegin> {
    const now = new Date();
    try {
      await this.ds.query(
        `INSERT INTO gateway_idempotency_keys (scope_sha256, request_sha256, created_at, expires_at) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)}, ${this.p(4)})`,
        [scopeSha256, requestSha256, now, new Date(now.getTime() + ttlSeconds * 1000)],
      );
      return { state: 'started' };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const rows = (await this.ds.query(`SELECT request_sha256, status, content_type, body, expires_at FROM gateway_idempotency_keys WHERE scope_sha256 = ${this.p(1)}`, [scopeSha256])) as Row[];
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= now.getTime()) {
      if (retried) return { state: 'in-progress', requestSha256: row?.request_sha256 ?? '' };
      await this.ds.query(`DELETE FROM gateway_idempotency_keys WHERE scope_sha256 = ${this.p(1)} AND expires_at <= ${this.p(2)}`, [scopeSha256, now]);
      return this.begin(scopeSha256, requestSha256, ttlSeconds, true);
    }
    if (row.status === null) return { state: 'in-progress', requestSha256: row.request_sha256 };
    return { state: 'completed', requestSha256: row.request_sha256, status: Number(row.status), contentType: row.content_type ?? 'application/json', body: row.body ?? '' };
  }

  async complete(scopeSha256: string, status: number, contentType: string, body: string): Promise<void> {
    await this.ds.query(`UPDATE gateway_idempotency_keys SET status = ${this.p(1)}, content_type = ${this.p(2)}, body = ${this.p(3)} WHERE scope_sha256 = ${this.p(4)}`, [
      status,
      contentType,
      body,
      scopeSha256,
    ]);
  }

  async release(scopeSha256: string): Promise<void> {
    await this.ds.query(`DELETE FROM gateway_idempotency_keys WHERE scope_sha256 = ${this.p(1)} AND status IS NULL`, [scopeSha256]);
  }
}
